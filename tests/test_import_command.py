"""``import_articles`` as operators run it, and the import service behind it (idempotence, editors' edits,
the reprint gate, concurrency, dry runs, fetching)."""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from articles import importers, services
from articles.models import Article, Image, ImportRun, Source, Tag
from tests.factories import SourceFactory, UserFactory
from tests.test_importers import FeedServer, fake_dns, forbid_connections

DATA = Path(__file__).parent / "data" / "imports"
VALID = DATA / "valid.json"

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, int]:
    """Run the command; return its output and exit status."""
    out = io.StringIO()
    try:
        call_command("import_articles", *map(str, args), stdout=out, stderr=io.StringIO())
    except CommandError as exc:
        if exc.returncode == 1 and "匯入失敗" in str(exc):
            return out.getvalue(), 1
        raise
    return out.getvalue(), 0


def last_line(output: str) -> str:
    return output.strip().splitlines()[-1]


def copy_of(path: Path, folder: Path) -> Path:
    target = folder / path.name
    shutil.copy(path, target)
    if (path.parent / "images").is_dir() and not (folder / "images").exists():
        shutil.copytree(path.parent / "images", folder / "images")
    return target


def rewrite(path: Path, change) -> None:
    document = json.loads(path.read_text(encoding="utf-8"))
    change(document["articles"])
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture
def feed_server():
    with FeedServer() as server:
        yield server


# --- a valid file --------------------------------------------------------------------


def test_a_valid_file_creates_draft_articles_with_their_attribution():
    output, status = run(VALID)
    assert status == 0
    assert last_line(output) == "created 3, updated 0, unchanged 0, failed 0"
    assert Article.objects.count() == 3
    assert set(Article.objects.values_list("status", flat=True)) == {"draft"}
    gpt4 = Article.objects.get(guid="8btc-12345")
    assert gpt4.source.name == "8BTC" and gpt4.original_source.name == "少数派"
    assert gpt4.original_url == "https://www.8btc.com/article/12345"
    assert gpt4.copyright_notice == "版权归作者所有，未经许可，不得转载"
    assert gpt4.language == "zh-hans" and gpt4.title_hant.startswith("GPT-4 發布")
    assert gpt4.author == "巴比特编译" and gpt4.imported_at is not None
    # New outlets wait for an editor to grant reprint permission.
    assert Source.objects.get(name="8BTC").reprint_permission == "none"
    assert Source.objects.get(name="少数派").homepage == "https://sspai.com"
    assert Source.objects.count() == 3
    # The picture goes through image_create with its credit.
    image = gpt4.featured_image
    assert (image.credit, image.ai_generated, image.alt_text) == ("由无界AI 生成", True, "GPT-4 示意图")
    assert (image.width, image.height) == (320, 180)
    # Tags land on one canonical tag whatever the script: 比特币 and 比特幣 are one.
    assert sorted(gpt4.tags.names()) == ["GPT-4", "OpenAI", "人工智慧"]
    assert Tag.objects.filter(name="比特幣").count() == 1
    assert Tag.objects.get(name="比特幣").tagged_articles.count() == 2
    # No guid: the URL is the key.
    assert Article.objects.filter(guid="https://www.bnext.com.tw/article/77001").exists()
    run_row = ImportRun.objects.get()
    assert (run_row.created, run_row.updated, run_row.unchanged, run_row.failed) == (3, 0, 0, 0)
    assert run_row.finished_at is not None and run_row.paths == str(VALID)


def test_the_same_file_twice_changes_nothing():
    run(VALID)
    before = list(Article.objects.order_by("pk").values_list("pk", "updated_at", "import_checksum"))
    counts = (Source.objects.count(), Tag.objects.count(), Image.objects.count())
    output, status = run(VALID)
    assert status == 0
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0"
    assert list(Article.objects.order_by("pk").values_list("pk", "updated_at", "import_checksum")) == before
    assert (Source.objects.count(), Tag.objects.count(), Image.objects.count()) == counts
    assert ImportRun.objects.count() == 2 and ImportRun.objects.first().unchanged == 3


def test_the_service_returns_the_counts_for_benchmarks():
    result = services.articles_import(paths=[VALID])
    assert (result.created, result.updated, result.unchanged, result.failed) == (3, 0, 0, 0)
    assert result.summary == "created 3, updated 0, unchanged 0, failed 0"
    assert services.articles_import(paths=[VALID]).unchanged == 3


def test_rss_and_atom_files_import_into_the_source_the_operator_names(settings):
    SourceFactory(name="巴比特", slug="8btc", homepage="https://www.8btc.com/")
    SourceFactory(name="數位時代", slug="bnext", homepage="https://www.bnext.com.tw/")
    output, status = run("--source", "8btc", DATA / "feed-rss.xml")
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    output, status = run("--source", "bnext", DATA / "feed-atom.xml")
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    ethereum = Article.objects.get(guid="8btc-20001")
    assert ethereum.source.name == "巴比特" and ethereum.original_source.name == "少数派"
    assert ethereum.language == "zh-hans" and ethereum.summary == "质押提款功能正式上线。"
    assert "<script" not in ethereum.body and "onclick" not in ethereum.body
    assert 'rel="noopener noreferrer nofollow"' in ethereum.body
    assert sorted(ethereum.tags.names()) == ["以太坊", "區塊鏈"]
    tsmc = Article.objects.get(guid="tag:bnext.com.tw,2023:article-88001")
    assert tsmc.language == "zh-hant" and "<iframe" not in tsmc.body
    assert tsmc.copyright_notice == "© 數位時代 版權所有"
    assert Article.objects.get(guid__endswith="88002").original_source.name == "經濟日報"
    assert last_line(run("--source", "8btc", DATA / "feed-rss.xml")[0]) == (
        "created 0, updated 0, unchanged 2, failed 0")


def test_existing_sources_are_matched_by_their_site_whatever_name_the_record_uses():
    by_url = SourceFactory(name="巴比特網", homepage="https://8btc.com/", reprint_permission="granted")
    by_host = SourceFactory(name="少數派", homepage="https://sspai.com/")
    run(VALID)
    assert Article.objects.get(guid="8btc-12345").source == by_url
    assert Article.objects.get(guid="8btc-12345").original_source == by_host
    assert not Source.objects.filter(name__in=["8BTC", "少数派"]).exists()


def test_a_record_without_language_is_recognised(tmp_path):
    path = tmp_path / "nolang.json"
    path.write_text(json.dumps([
        {"guid": "s", "title": "这个软件的网络连接很稳定", "body": "<p>这里说的是简体中文内容。</p>", "source": "X"},
        {"guid": "t", "title": "這個軟體的網路連線很穩定", "body": "<p>這裡說的是繁體中文內容。</p>", "source": "X"},
    ], ensure_ascii=False), encoding="utf-8")
    run(path)
    assert Article.objects.get(guid="s").language == "zh-hans"
    assert Article.objects.get(guid="t").language == "zh-hant"


# --- bad records ---------------------------------------------------------------------


def test_a_mix_of_good_and_bad_records_reports_each_bad_one_and_exits_1(settings):
    settings.IMPORT_MAX_BODY_BYTES = 16_000
    folder = DATA / "mixed"
    output, status = run(folder, "--progress-every", "5")
    assert status == 1
    assert last_line(output) == "created 2, updated 0, unchanged 0, failed 8"
    records = folder / "records.json"
    for line in [
        f"{folder / 'bomb.xml'}: file: 拒絕處理：XML 含有實體或外部參照宣告（XML 炸彈／XXE）",
        f"{records}: record 2 (line 13): 缺少 title",
        f"{records}: record 3 (line 22): published_at 不是有效的日期時間：'2023-13-45 25:61'",
        f"{records}: record 4 (line 33): url 不是有效的 http(s) 網址：javascript:alert(1)",
        f"{records}: record 5 (line 43): source 格式不明",
        f"{records}: record 6 (line 53): body 太大（21,007 bytes，上限 16,000）",
        f"{records}: record 7 (line 63): 含有無效的 UTF-8 位元組",
        f"{folder / 'xxe.atom'}: file: 拒絕處理：XML 含有實體或外部參照宣告（XML 炸彈／XXE）",
    ]:
        assert line in output
    assert "root:" not in output  # /etc/passwd was never read
    assert "共 10 筆紀錄" in output and "進度 5/10" in output and "進度 10/10" in output
    assert sorted(Article.objects.values_list("guid", flat=True)) == ["mixed-1", "mixed-8"]
    assert set(Source.objects.values_list("name", flat=True)) == {"8BTC"}
    run_row = ImportRun.objects.get()
    assert (run_row.created, run_row.failed) == (2, 8)
    assert "record 2 (line 13): 缺少 title" in run_row.report


def test_a_record_failing_inside_its_transaction_leaves_nothing_behind(tmp_path):
    path = tmp_path / "half.json"
    path.write_text(json.dumps([
        {"guid": "long", "title": "長" * 301, "body": "<p>x</p>", "source": {"name": "只在壞紀錄裡的來源"},
         "original_source": {"name": "另一個新來源"}, "tags": ["不該出現的標籤"]},
        {"guid": "ok", "title": "好", "body": "<p>x</p>", "source": {"name": "好來源"}},
    ], ensure_ascii=False), encoding="utf-8")
    output, status = run(path)
    assert status == 1 and last_line(output) == "created 1, updated 0, unchanged 0, failed 1"
    assert f"{path}: record 1 (line 1): title:" in output
    assert list(Source.objects.values_list("name", flat=True)) == ["好來源"]
    assert not Tag.objects.exists()
    assert list(Article.objects.values_list("guid", flat=True)) == ["ok"]


def test_an_image_that_is_not_a_picture_costs_only_the_picture(tmp_path):
    path = tmp_path / "pic.json"
    shutil.copytree(DATA / "images", tmp_path / "images")
    path.write_text(json.dumps([
        {"guid": "pic", "title": "壞圖", "body": "<p>x</p>", "source": {"name": "圖片來源測試"},
         "image": {"path": "images/not-a-picture.jpg", "alt": "x"}},
    ], ensure_ascii=False), encoding="utf-8")
    output, status = run(path)
    assert status == 0 and "record 1 (line 1): 圖片未匯入：無法辨識的圖片檔" in output
    assert Article.objects.get(guid="pic").featured_image is None and not Image.objects.exists()


def test_xss_payloads_are_stripped():
    output, status = run(DATA / "xss.json")
    assert status == 0
    article = Article.objects.get(guid="xss-1")
    assert article.title == "無害的標題" and article.summary == "摘要"
    for needle in ("<script", "alert", "onclick", "onerror", "style", "javascript:", "data:", "<iframe", "<form",
                   "<input", "<svg", "框內文字", "evil-class", "target="):
        assert needle not in article.body and needle not in article.body_hans, needle
    assert '<a href="https://elsewhere.example/" rel="noopener noreferrer nofollow">外部連結</a>' in article.body
    assert '<code class="language-python">' in article.body and "<table>" in article.body


# --- upstream changes and editors' edits -----------------------------------------------


def test_a_changed_upstream_record_updates_a_draft_in_place(tmp_path):
    path = copy_of(VALID, tmp_path)
    run(path)
    article = Article.objects.get(guid="8btc-12346")
    first_import = article.imported_at

    def change(records):
        records[1]["title"] = "比特币价格突破三万五千美元"
        records[1]["tags"] = ["比特币", "加密货币"]

    rewrite(path, change)
    output, status = run(path)
    assert status == 0 and last_line(output) == "created 0, updated 1, unchanged 2, failed 0"
    assert "待審" not in output
    article.refresh_from_db()
    assert article.title == "比特币价格突破三万五千美元" and article.title_hant == "比特幣價格突破三萬五千美元"
    assert article.status == "draft" and article.imported_at > first_import
    assert sorted(article.tags.names()) == ["加密貨幣", "比特幣"]
    assert not article.revisions.filter(pending_upstream=True).exists()
    assert last_line(run(path)[0]) == "created 0, updated 0, unchanged 3, failed 0"


def test_an_editors_edit_wins_over_an_upstream_change_and_the_report_says_so(tmp_path, editor):
    path = copy_of(VALID, tmp_path)
    run(path)
    article = Article.objects.get(guid="8btc-12346")
    article.body = "<p>編輯改寫過的內文。</p>"
    services.article_save(article=article, user=editor)
    # Upstream unchanged: nothing to say.
    output, _ = run(path)
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0" and "保留編輯" not in output

    def change(records):
        records[1]["body"] = "<p>上游更新的內文。</p>"
        records[0]["title"] = "GPT-4 正式发布"

    rewrite(path, change)
    output, status = run(path)
    assert status == 0
    assert last_line(output) == "created 0, updated 1, unchanged 2, failed 0"
    assert re.search(rf"{re.escape(str(path))}: record 2 \(line \d+\): 上游已更新，但編輯已修改文章 #{article.pk}，"
                     r"保留編輯的版本", output)
    assert "保留編輯版本 1 篇" in output
    article.refresh_from_db()
    assert article.body == "<p>編輯改寫過的內文。</p>" and article.updated_by == editor
    assert Article.objects.get(guid="8btc-12345").title == "GPT-4 正式发布"
    assert "保留編輯的版本" in ImportRun.objects.first().report


def test_an_article_an_editor_wrote_is_never_overwritten_by_an_import():
    source = SourceFactory(name="8BTC", homepage="https://www.8btc.com/")
    own = Article.objects.create(title="編輯自己寫的", body="<p>原創</p>", source=source, guid="8btc-12346")
    output, _ = run(VALID)
    assert last_line(output) == "created 2, updated 0, unchanged 1, failed 0"
    assert "保留編輯的版本" in output
    own.refresh_from_db()
    assert own.title == "編輯自己寫的"


# --- publishing ----------------------------------------------------------------------


def test_publish_publishes_only_what_the_reprint_gate_allows():
    SourceFactory(name="數位時代", homepage="https://www.bnext.com.tw", reprint_permission="public")
    output, status = run(VALID, "--publish")
    assert status == 0
    assert Article.objects.published().get().source.name == "數位時代"
    assert "尚未取得「8BTC」的轉載授權" in output and "未發布" in output
    assert "發布 1 篇" in output
    assert set(Article.objects.exclude(source__name="數位時代").values_list("status", flat=True)) == {"draft"}
    # Permission granted later: re-running with --publish publishes the waiting drafts.
    Source.objects.filter(name__in=["8BTC", "少数派"]).update(reprint_permission="granted")
    output, _ = run(VALID, "--publish")
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0" and "發布 2 篇" in output
    assert Article.objects.published().count() == 3


# --- dry run -------------------------------------------------------------------------


def test_dry_run_writes_nothing(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    output, status = run(VALID, DATA / "feed-rss.xml", "--dry-run", "--publish")
    assert status == 1  # the feed is bound to no source: reported, as in a real run
    assert "試跑：沒有寫入任何資料。" in output
    assert f"{DATA / 'feed-rss.xml'}: file: RSS/Atom 摘要（自稱「巴比特」）沒有綁定來源" in output
    assert last_line(output) == "created 3, updated 0, unchanged 0, failed 1"
    for model in (Article, Source, Tag, Image, ImportRun):
        assert not model.objects.exists(), model
    assert not (tmp_path / "media").exists()
    run(VALID)
    output, _ = run(VALID, "--dry-run")
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0"


def test_dry_run_still_reports_bad_records(settings):
    settings.IMPORT_MAX_BODY_BYTES = 16_000
    output, status = run(DATA / "mixed", "--dry-run")
    assert status == 1 and last_line(output) == "created 2, updated 0, unchanged 0, failed 8"
    assert not Article.objects.exists() and not ImportRun.objects.exists()


# --- command line --------------------------------------------------------------------


def test_the_command_needs_something_to_import_and_says_what_is_missing():
    with pytest.raises(CommandError, match="請指定"):
        call_command("import_articles", stdout=io.StringIO())
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_articles", "no/such/file.json", stdout=io.StringIO())


def test_help_is_helpful():
    from articles.management.commands.import_articles import Command

    text = " ".join(Command().create_parser("manage.py", "import_articles").format_help().split())
    for option in ("--url", "--dry-run", "--publish", "created N, updated N, unchanged N, failed N"):
        assert option in text


def test_admin_shows_import_runs_read_only(client):
    run(VALID)
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    changelist = client.get(reverse("admin:articles_importrun_changelist"))
    assert changelist.status_code == 200
    assert client.get(reverse("admin:articles_importrun_add")).status_code == 403
    page = client.get(reverse("admin:articles_importrun_change", args=[ImportRun.objects.get().pk]))
    assert page.status_code == 200 and str(VALID) in page.content.decode()
    assert 'name="_save"' not in page.content.decode()


# --- fetching ------------------------------------------------------------------------


def test_url_imports_a_feed_into_the_source_subscribed_to_it(feed_server, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True  # the test server is on loopback
    url = feed_server.route("/feed.xml", (DATA / "feed-rss.xml").read_bytes())
    subscribed = SourceFactory(name="巴比特訂閱", feed_url=url)
    output, status = run("--url", url)
    assert status == 0 and last_line(output) == "created 2, updated 0, unchanged 0, failed 0"
    assert ImportRun.objects.get().paths == url
    assert set(Article.objects.values_list("source", flat=True)) == {subscribed.pk}


def test_url_refuses_loopback_unless_allowed(monkeypatch, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    forbid_connections(monkeypatch)
    output, status = run("--url", "http://127.0.0.1:8000/feed.xml", "--url", "http://169.254.169.254/latest/")
    assert status == 1 and last_line(output) == "created 0, updated 0, unchanged 0, failed 2"
    assert "http://169.254.169.254/latest/: url: 拒絕連線到內部或保留位址" in output


def test_url_refuses_a_redirect_to_a_file(feed_server, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    url = feed_server.route("/feed.xml", status=302, headers={"Location": "file:///etc/passwd"})
    output, status = run("--url", url)
    assert status == 1 and "只接受 http 或 https 網址：file:///etc/passwd" in output


def test_image_urls_are_fetched_under_the_same_rules(feed_server, settings, monkeypatch, tmp_path):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    picture = feed_server.route("/gpt4.jpg", (DATA / "images" / "gpt4.jpg").read_bytes(),
                                headers={"Content-Type": "image/jpeg"})
    path = tmp_path / "remote.json"
    path.write_text(json.dumps([
        {"guid": "remote", "title": "遠端圖片", "body": "<p>x</p>", "source": "X",
         "image": {"url": picture, "credit": "路透社"}},
        {"guid": "metadata", "title": "內部圖片", "body": "<p>x</p>", "source": "X",
         "image": {"url": "http://metadata.example/latest/pic.jpg"}},
    ], ensure_ascii=False), encoding="utf-8")
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    fake_dns(monkeypatch, {"metadata.example": ["169.254.169.254"], "127.0.0.1": ["127.0.0.1"]})
    output, status = run(path)
    assert status == 0  # a picture that cannot be fetched costs its article only the picture
    assert "record 1 (line 1): 圖片未匯入：拒絕連線到內部或保留位址：127.0.0.1" in output
    assert "record 2 (line 1): 圖片未匯入：拒絕連線到內部或保留位址：metadata.example → 169.254.169.254" in output
    assert not Image.objects.exists()
    Article.objects.all().delete()
    settings.IMPORT_ALLOW_PRIVATE_URLS = True
    output, status = run(path)
    article = Article.objects.get(guid="remote")
    assert article.featured_image.credit == "路透社" and article.featured_image.alt_text == "遠端圖片"
    assert feed_server.requests[-1][0] == "/gpt4.jpg"


# --- concurrency ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_imports_of_the_same_file_at_once_create_each_article_once():
    results: list = [None, None]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(slot: int) -> None:
        try:
            barrier.wait()
            first = services.articles_import(paths=[VALID])
            second = services.articles_import(paths=[DATA / "feed-atom.xml"], source=bnext)
            results[slot] = (first, second)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    bnext = SourceFactory(name="數位時代", homepage="https://www.bnext.com.tw/")
    threads = [threading.Thread(target=work, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    results = [r for pair in results for r in pair]
    assert [r.failed for r in results] == [0, 0, 0, 0], [r.report for r in results]
    assert sum(r.created for r in results) == 5
    assert sum(r.unchanged for r in results) == 5
    assert Article.objects.count() == 5
    assert Source.objects.filter(name="8BTC").count() == 1
    assert Image.objects.count() == 1
    assert ImportRun.objects.filter(created__gt=0).count() >= 2 and ImportRun.objects.count() == 4


@pytest.mark.parametrize("check_in_python", [True, False], ids=["full_clean-sees-it", "database-refuses-it"])
def test_losing_the_race_to_create_an_article_updates_the_winners_instead(monkeypatch, check_in_python):
    """What two simultaneous imports meet on PostgreSQL: the row appears between our lookup and our insert."""
    from articles.services.imports import article as imports

    [record, *_] = importers.read_path(VALID)
    real_attach = imports._attach_image

    def another_import_wins(article, record, picture, source, user):
        winner = Article(status="draft")
        imports._fill(winner, record, source=source, original=article.original_source)
        winner.save()
        real_attach(article, record, picture, source, user)

    monkeypatch.setattr(imports, "_attach_image", another_import_wins)
    if not check_in_python:  # the other transaction has not committed yet: only the unique index knows
        monkeypatch.setattr(Article, "validate_constraints", lambda self, exclude=None: None)
    result = services.article_import(record=record)
    assert result.outcome == "unchanged"
    assert Article.objects.filter(guid=record.key).count() == 1
    assert result.article_id == Article.objects.get(guid=record.key).pk


def test_losing_the_race_to_store_the_same_picture_uses_the_winners_row(monkeypatch):
    from django.db import IntegrityError

    from articles.services.imports import article as imports
    from tests.factories import make_image

    winner = make_image(colour=(1, 2, 3))
    [record, *_] = importers.read_path(VALID)

    def lose(**kwargs):
        raise IntegrityError("UNIQUE constraint failed: articles_image.content_hash")

    monkeypatch.setattr(imports, "image_create", lose)
    monkeypatch.setattr(imports.images, "validate_upload",
                        lambda file: type("Inspected", (), {"content_hash": winner.content_hash})())
    result = services.article_import(record=record)
    assert result.outcome == "created"
    assert Article.objects.get(pk=result.article_id).featured_image == winner


def test_an_unchanged_record_leaves_the_tags_an_editor_chose():
    run(VALID)
    article = Article.objects.get(guid="8btc-12345")
    services.article_set_tags(article=article, names=["GPT-4"])
    Source.objects.update(reprint_permission="granted")
    output, _ = run(VALID, "--publish")
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0"
    article.refresh_from_db()
    assert article.status == "published" and list(article.tags.names()) == ["GPT-4"]
