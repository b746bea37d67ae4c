"""Imports write their records in chunks (``articles.services.imports.chunks``): one transaction per chunk, each record
in a savepoint of it, one ``committed`` batch (and so one round of background jobs) per chunk, and a bounded number of
statements per record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from articles import events, importers, services
from articles.models import Article, Revision, Source, Tag, TaggedArticle
from articles.services.imports import article as imports
from articles.services.imports import chunks
from tests.test_import_command import last_line, run

pytestmark = pytest.mark.django_db

WIRE = {"name": "分塊通訊社", "url": "https://chunks.example/"}


def record(i: int, **changes) -> dict:
    return {"guid": f"chunk-{i}", "url": f"https://chunks.example/news/{i}", "title": f"分塊匯入的第 {i} 篇",
            "summary": "摘要", "body": f"<p>第 {i} 篇的内文，讲的是区块链。</p>", "language": "zh-Hans",
            "source": WIRE, "tags": ["区块链", "分塊", f"標籤{i % 3}"], **changes}


def write(path: Path, records: list[dict]) -> Path:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def one_chunk(monkeypatch):
    """A slow test machine must not split a chunk by time: these tests count what one chunk does."""
    monkeypatch.setattr(chunks, "CHUNK_SECONDS", 60)


@pytest.fixture
def batches():
    """The ``committed`` batches sent while the test runs."""
    sent: list[events.Changed] = []

    def receiver(sender, change, **kwargs):
        sent.append(change)

    events.committed.connect(receiver, dispatch_uid="test-import-chunks")
    yield sent
    events.committed.disconnect(dispatch_uid="test-import-chunks")


def test_a_bad_record_in_the_middle_of_a_chunk_costs_only_itself(tmp_path, one_chunk, batches,
                                                                   django_capture_on_commit_callbacks):
    # The bad record creates a source, an original source and tags in its savepoint before its title is refused;
    # a later record of the same chunk needs that source and one of those tags again.
    bad = record(5, title="長" * 301, source={"name": "壞紀錄帶來的來源", "url": "https://bad.example/"},
                 original_source={"name": "只在壞紀錄裡的原文來源", "url": "https://only-bad.example/"},
                 tags=["不該出現的標籤", "壞紀錄和好紀錄都有的標籤"])
    later = record(8, source={"name": "壞紀錄帶來的來源", "url": "https://bad.example/"},
                   tags=["壞紀錄和好紀錄都有的標籤"])
    records = [record(i) for i in range(5)] + [bad] + [record(6), record(7), later] + [record(i) for i in range(9, 12)]
    path = write(tmp_path / "chunk.json", records)
    with django_capture_on_commit_callbacks(execute=True):
        output, status = run(path)

    assert status == 1 and last_line(output) == "created 11, updated 0, unchanged 0, failed 1"
    assert f"{path}: record 6 (line 1): title:" in output
    # Nothing of the bad record is left: not its article, its own source or original source, nor its own tag.
    assert not Article.objects.filter(guid="chunk-5").exists()
    assert not Source.objects.filter(name="只在壞紀錄裡的原文來源").exists()
    assert not Tag.objects.filter(name="不該出現的標籤").exists()
    # What the later record needed again was created again, once, and is what it points at.
    source = Source.objects.get(name="壞紀錄帶來的來源")
    shared = Tag.objects.get(name="壞紀錄和好紀錄都有的標籤")
    eight = Article.objects.get(guid="chunk-8")
    assert eight.source == source and list(eight.tags.all()) == [shared]
    # The others landed whole: each with its tags, in Traditional form, and one revision that has them.
    good = Article.objects.exclude(guid="chunk-8").order_by("pk")
    assert [a.guid for a in good] == [f"chunk-{i}" for i in (0, 1, 2, 3, 4, 6, 7, 9, 10, 11)]
    for article in good:
        i = int(article.guid.split("-")[1])
        assert sorted(article.tags.names()) == sorted(["區塊鏈", "分塊", f"標籤{i % 3}"])
        assert article.title_hant == f"分塊匯入的第 {i} 篇"
        assert article.body_hant == f"<p>第 {i} 篇的內文，講的是區塊鏈。</p>"
        assert article.status == "draft" and article.version == 1
        [revision] = article.revisions.all()
        assert revision.tags == sorted(article.tags.names()) and revision.title == article.title
        assert article.import_content_hash == imports.content_hash(
            title=article.title, summary=article.summary, body=article.body, language=article.language)
    # One chunk, one transaction: one batch after its commit, naming exactly the articles that landed.
    landed = frozenset(Article.objects.values_list("pk", flat=True))
    assert batches == [events.Changed(articles=landed, pages=landed)]  # pages: their page-cache stamps
    # And the same file again changes nothing (the bad record fails again, alone).
    output, status = run(path)
    assert last_line(output) == "created 0, updated 0, unchanged 11, failed 1"
    assert Revision.objects.count() == 11


def test_a_chunk_queues_one_render_and_one_related_job_not_two_per_record(tmp_path, one_chunk, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    path = write(tmp_path / "many.json", [record(i) for i in range(30)])
    with django_capture_on_commit_callbacks(execute=True):
        assert last_line(run(path)[0]) == "created 30, updated 0, unchanged 0, failed 0"
    queued = list(DBTaskResult.objects.values_list("task_path", "args_kwargs"))
    assert sorted(path for path, _ in queued) == ["articles.pages.render_outdated_pages",
                                                  "articles.related.refresh.related_refresh_articles_task"]
    [ids] = [kwargs["kwargs"]["ids"] for path, kwargs in queued if path.endswith("related_refresh_articles_task")]
    assert ids == sorted(Article.objects.values_list("pk", flat=True))


def statements(path: Path) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        run(path)
    return [query["sql"] for query in queries]


def test_statements_per_record_are_bounded_and_do_not_grow_with_the_run(tmp_path, one_chunk):
    # A first run creates the source and the tags; what is counted is records of a known outlet, with known tags.
    run(write(tmp_path / "warm.json", [record(i) for i in range(3)]))
    few = len(statements(write(tmp_path / "few.json", [record(i) for i in range(100, 110)])))
    many = len(statements(write(tmp_path / "many.json", [record(i) for i in range(200, 290)])))
    assert Article.objects.count() == 103 and TaggedArticle.objects.count() == 3 * 103
    per_record = (many - few) / 80
    # Per record: the savepoint around it (2 statements) and its share of the chunk's bulk inserts. It was ~76
    # statements per record when each record had a transaction of its own.
    assert per_record <= 2.5, (few, many)
    # The rest is per chunk (lookups, the bulk inserts, the in-transaction freshness update) and per run (ImportRun).
    assert few - 10 * per_record <= 25, (few, many)
    # Re-importing changes nothing and writes nothing but the run's own record: a few reads per chunk.
    again = statements(tmp_path / "many.json")
    assert len(again) <= 6, again
    writes = [sql for sql in again if sql.split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert all("articles_importrun" in sql for sql in writes), writes


def test_an_article_created_meanwhile_makes_the_chunk_import_one_by_one(tmp_path, monkeypatch, one_chunk):
    """Another import creates one of the chunk's articles between our look and our insert: the chunk's bulk insert
    is refused by the unique index, the chunk rolls back, and each record is imported on its own."""
    real_attach = imports._attach_image

    def another_import_wins(article, record, picture, source, user):
        if record.key == "chunk-2" and not Article.objects.filter(guid="chunk-2").exists():
            winner = Article(status="draft")
            imports._fill(winner, record, source=source, original=article.original_source)
            winner.save()
        real_attach(article, record, picture, source, user)

    monkeypatch.setattr(imports, "_attach_image", another_import_wins)
    path = write(tmp_path / "race.json", [record(i) for i in range(5)])
    output, status = run(path)
    assert status == 0 and last_line(output) == "created 4, updated 0, unchanged 1, failed 0"
    assert sorted(Article.objects.values_list("guid", flat=True)) == [f"chunk-{i}" for i in range(5)]
    assert all(len(article.tags.names()) == 3 for article in Article.objects.exclude(guid="chunk-2"))


def test_a_repeated_record_goes_to_the_next_chunk_and_finds_the_first(tmp_path, one_chunk):
    changed = record(1, title="同一篇，上游改過標題")
    path = write(tmp_path / "repeat.json", [record(0), record(1), record(1), changed, record(2)])
    output, status = run(path)
    assert status == 0 and last_line(output) == "created 3, updated 1, unchanged 1, failed 0"
    assert Article.objects.get(guid="chunk-1").title == "同一篇，上游改過標題"


def test_the_service_still_imports_one_record_in_its_own_transaction():
    [item] = [importers.read_json(json.dumps([record(0)]).encode(), origin="x.json")[0]]
    result = services.article_import(record=item)
    assert result.outcome == "created" and Article.objects.get(pk=result.article_id).tags.count() == 3


def test_imported_tags_land_on_the_tags_article_set_tags_would_choose(tmp_path):
    """The import resolves tag names itself, in bulk: it must pick the very tags taggit's path picks (canonical
    Traditional form, case-insensitive, blanks dropped, each once)."""
    from tests.factories import ArticleFactory

    Tag.objects.create(name="OpenAI")
    names = ["openai", " OpenAI ", "比特币", "比特幣", "", "新標籤"]
    reference = ArticleFactory(title="參照")
    services.article_set_tags(article=reference, names=names)
    run(write(tmp_path / "tags.json", [record(0, tags=names)]))
    imported = Article.objects.get(guid="chunk-0")
    assert sorted(imported.tags.values_list("pk", flat=True)) == sorted(reference.tags.values_list("pk", flat=True))
    assert sorted(imported.tags.names()) == ["OpenAI", "新標籤", "比特幣"]
    assert imported.revisions.get().tags == ["OpenAI", "新標籤", "比特幣"]
