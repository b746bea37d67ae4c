"""``services.articles_create``: many new articles in a few queries, with everything ``article_save`` and
``article_set_tags`` do for a new one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import events, search, selectors, services
from articles.models import Article, Revision, Tag
from tests.factories import SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def new(source, i: int, **fields) -> Article:
    return Article(title=f"新文章{i}", summary="摘要", body=f"<p>第{i}篇的内文<script>x</script></p>",
                   language="zh-hans", source=source, guid=f"new-{i}", **fields)


def test_each_article_is_saved_as_article_save_and_article_set_tags_would(django_capture_on_commit_callbacks):
    source = SourceFactory(reprint_permission="public")
    editor = UserFactory(groups=["editors"])
    received = []
    events.committed.connect(lambda sender, change, **kw: received.append(change), dispatch_uid="test-creation",
                             weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            draft, live = services.articles_create(
                articles=[new(source, 1), new(source, 2, status="published", publish_at=timezone.now())],
                tags=[["区块链", "區塊鏈", " "], ["比特币"]], user=editor, note="匯入")
    finally:
        events.committed.disconnect(dispatch_uid="test-creation")
    for article in (draft, live):
        article.refresh_from_db()
        assert article.version == 1 and article.created_by == editor and article.updated_by == editor
        assert "<script" not in article.body and article.slug.startswith("新文章")
        assert "內文" in article.body_hant and "内文" in article.body_hans  # both variants derived
        [revision] = article.revisions.all()
        assert (revision.user, revision.note, revision.version) == (editor, "匯入", 1)
        assert revision.tags == sorted(article.tags.names()) and revision.body == article.body
    assert list(draft.tags.names()) == ["區塊鏈"] and list(live.tags.names()) == ["比特幣"]
    assert Tag.objects.count() == 2
    # Both are in the search index at once (the editors search drafts too); readers find only the listed one.
    assert set(Article.objects.filter(pk__in=search.title_matches("新文章")).values_list("pk", flat=True)) == {
        draft.pk, live.pk}
    assert [pk for pk, _score in search.ranked("内文")] == [live.pk]
    assert selectors.article_search(query="内文").ids == [live.pk]
    both = frozenset({draft.pk, live.pk})
    assert received == [events.Changed(articles=both, pages=both)]  # pages: their page-cache stamps


def test_the_reprint_gate_refuses_the_lot():
    free, closed = SourceFactory(reprint_permission="public"), SourceFactory(reprint_permission="none")
    with pytest.raises(ValidationError, match="轉載授權"):
        services.articles_create(articles=[new(free, 1), new(closed, 2, status="published",
                                                               publish_at=timezone.now())])
    assert not Article.objects.exists() and not Revision.objects.exists()
    # A draft from the same source is fine: the gate is for what goes public.
    [draft] = services.articles_create(articles=[new(closed, 3)])
    assert draft.pk and draft.status == "draft"


def test_a_refused_field_names_itself_and_nothing_is_written():
    source = SourceFactory()
    with pytest.raises(ValidationError) as refused:
        services.articles_create(articles=[new(source, 1), Article(title="長" * 301, body="<p>x</p>", source=source)])
    assert "title" in refused.value.message_dict
    assert not Article.objects.exists()


def test_the_unique_index_decides_a_duplicate_and_nothing_is_written():
    source = SourceFactory()
    services.articles_create(articles=[new(source, 1)])
    with pytest.raises(IntegrityError), transaction.atomic():
        services.articles_create(articles=[new(source, 2), new(source, 1)], tags=[["甲"], ["乙"]])
    assert list(Article.objects.values_list("guid", flat=True)) == ["new-1"]
    assert not Tag.objects.exists()


def test_the_number_of_queries_does_not_grow_with_the_number_of_articles():
    source = SourceFactory()
    services.articles_create(articles=[new(source, 0)], tags=[["甲", "乙"]])  # the tags exist from here on

    def queries(count: int, start: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            services.articles_create(articles=[new(source, start + i) for i in range(count)],
                                     tags=[["甲", "乙"]] * count)
        return len(captured)

    assert queries(3, 100) == queries(20, 200)  # one insert each for articles, tags and revisions, and so on
