"""An upstream change to an article past the draft stage waits for an editor as a revision: the live page stays
as it was until an editor accepts it (``revision_restore``) or dismisses it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from articles import selectors, services
from articles.models import Article, Revision, Source
from tests.test_import_command import VALID, copy_of, last_line, rewrite, run

pytestmark = pytest.mark.django_db


def change_title_and_tags(records):
    records[1]["title"] = "比特币价格突破三万五千美元"
    records[1]["body"] = "<p>比特币价格今日突破三万五千美元。</p>"
    records[1]["tags"] = ["比特币", "加密货币"]


@pytest.fixture
def live(tmp_path):
    """The file imported once, and its second record published."""
    path = copy_of(VALID, tmp_path)
    run(path)
    article = Article.objects.get(guid="8btc-12346")
    Source.objects.filter(pk=article.source_id).update(reprint_permission="granted")
    article.refresh_from_db()
    services.article_publish(article=article)
    return path, Article.objects.get(pk=article.pk)


def test_a_changed_record_of_a_published_article_leaves_the_page_and_waits_as_a_revision(
        client, live, django_capture_on_commit_callbacks):
    path, article = live
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200 and "比特幣價格突破三萬美元" in page.content.decode()
    before = Article.objects.filter(pk=article.pk).values(
        "title", "body", "body_hant", "version", "updated_at", "status", "published_at").get()
    revisions = article.revisions.count()

    rewrite(path, change_title_and_tags)
    with django_capture_on_commit_callbacks(execute=True):  # whatever a real run does after commit
        output, status = run(path)
    assert status == 0 and last_line(output) == "created 0, updated 1, unchanged 2, failed 0"
    assert re.search(rf"record 2 \(line \d+\): 上游已更新，文章 #{article.pk} 已不是草稿，內容維持不變；"
                     r"上游的版本存為待審版本", output)
    assert "上游更新待編輯確認 1 篇（計入 updated；文章內容未變）" in output

    # The article and its page are exactly as they were.
    assert Article.objects.filter(pk=article.pk).values(*before).get() == before
    assert sorted(Article.objects.get(pk=article.pk).tags.names()) == ["比特幣"]
    again = client.get(article.get_absolute_url()).content.decode()
    assert "比特幣價格突破三萬美元" in again and "三萬五千" not in again
    # Upstream's version waits as a revision.
    assert article.revisions.count() == revisions + 1
    pending = selectors.article_pending_upstream(article=article)
    pending = Revision.objects.get(pk=pending.pk)
    assert pending.title == "比特币价格突破三万五千美元" and pending.title_hant == "比特幣價格突破三萬五千美元"
    assert pending.tags == sorted(["比特幣", "加密貨幣"]) and pending.status == "published"
    assert pending.source_pk == article.source_id

    # The same upstream again: nothing new.
    output, status = run(path)
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0"
    assert article.revisions.filter(pending_upstream=True).count() == 1

    # The editor accepts it with the usual restore: now it is live, and no longer waiting.
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_restore(revision=pending)
    article.refresh_from_db()
    assert article.title == "比特币价格突破三万五千美元" and article.status == "published"
    assert sorted(article.tags.names()) == ["加密貨幣", "比特幣"]
    assert not article.revisions.filter(pending_upstream=True).exists()
    assert "三萬五千" in client.get(article.get_absolute_url()).content.decode()
    assert "採用上游更新" in article.revisions.first().note


def test_a_scheduled_article_is_not_changed_either(live):
    path, article = live
    services.article_unpublish(article=article)
    article.refresh_from_db()
    services.article_schedule(article=article, publish_at=timezone.now() + datetime.timedelta(days=1))
    rewrite(path, change_title_and_tags)
    output, _ = run(path)
    assert last_line(output) == "created 0, updated 1, unchanged 2, failed 0"
    article.refresh_from_db()
    assert article.status == "scheduled" and article.title == "比特币价格突破三万美元"
    assert article.revisions.filter(pending_upstream=True, status="scheduled").count() == 1


def test_an_edited_live_article_still_gets_the_upstream_update_to_review(live, editor):
    path, article = live
    article.body = "<p>編輯改寫過的內文。</p>"
    services.article_save(article=article, user=editor)
    rewrite(path, change_title_and_tags)
    output, _ = run(path)
    assert last_line(output) == "created 0, updated 1, unchanged 2, failed 0" and "保留編輯" not in output
    article.refresh_from_db()
    assert article.body == "<p>編輯改寫過的內文。</p>"
    assert article.revisions.filter(pending_upstream=True).get().body == "<p>比特币价格今日突破三万五千美元。</p>"


def test_a_newer_upstream_update_replaces_the_one_waiting(live):
    path, article = live
    rewrite(path, change_title_and_tags)
    run(path)

    def again(records):
        records[1]["title"] = "比特币价格突破四万美元"

    rewrite(path, again)
    run(path)
    assert list(article.revisions.filter(pending_upstream=True).values_list("title", flat=True)) == [
        "比特币价格突破四万美元"]


def test_a_record_that_changed_only_where_nothing_shows_makes_no_revision(live):
    path, article = live
    revisions = article.revisions.count()

    def reorder(records):
        records[1]["published_at"] = "2023-07-13T10:30:00+08:00"  # not part of the article's content

    rewrite(path, reorder)
    output, _ = run(path)
    assert last_line(output) == "created 0, updated 0, unchanged 3, failed 0"
    assert article.revisions.count() == revisions


def test_dry_run_makes_no_pending_revision(live):
    path, article = live
    rewrite(path, change_title_and_tags)
    output, _ = run(path, "--dry-run")
    assert last_line(output) == "created 0, updated 1, unchanged 2, failed 0"
    assert not Revision.objects.filter(pending_upstream=True).exists()


def test_dismissing_keeps_the_article_and_the_revision_in_the_history(live, editor, writer):
    path, article = live
    rewrite(path, change_title_and_tags)
    run(path)
    with pytest.raises(PermissionDenied):
        services.revision_dismiss_upstream(article=article, user=writer)
    assert services.revision_dismiss_upstream(article=article, user=editor) == 1
    revision = article.revisions.get(title="比特币价格突破三万五千美元")
    assert not revision.pending_upstream and "決定不採用" in revision.note
    assert Article.objects.get(pk=article.pk).title == "比特币价格突破三万美元"
    # Upstream unchanged since: the next run does not ask again.
    assert last_line(run(path)[0]) == "created 0, updated 0, unchanged 3, failed 0"


def test_pruning_keeps_the_update_waiting(live):
    path, article = live
    rewrite(path, change_title_and_tags)
    run(path)
    for number in range(4):
        article.refresh_from_db()
        article.summary = f"摘要 {number}"
        services.article_save(article=article)
    Revision.objects.filter(pending_upstream=True).update(created_at=timezone.now() - datetime.timedelta(days=400))
    services.revisions_prune(article=article, keep=2)
    assert article.revisions.filter(pending_upstream=True).exists()


# --- what editors see -------------------------------------------------------------------


def test_the_admin_lists_filters_and_explains_a_pending_upstream_update(editor_client, live):
    path, article = live
    other = Article.objects.get(guid="8btc-12345")
    rewrite(path, change_title_and_tags)
    run(path)
    changelist = reverse("admin:articles_article_changelist")
    page = editor_client.get(changelist, {"upstream": "pending"}).content.decode()
    assert article.title in page and other.title not in page
    assert "有待確認的上游更新" in page and page.count("data-upstream-badge") == 1
    assert other.title in editor_client.get(changelist, {"upstream": "none"}).content.decode()

    change = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    pending = article.revisions.get(pending_upstream=True)
    assert f'data-upstream-pending="{pending.pk}"' in change and "上游更新待確認" in change
    accept = reverse("admin:articles_article_revision_restore", args=[article.pk, pending.pk])
    assert accept in change and "採用上游版本" in change and "data-upstream-diff" in change
    assert "data-pending-upstream" in change  # marked in the revision list too
    assert "data-upstream-accept" in editor_client.get(accept).content.decode()
    assert editor_client.post(accept).status_code == 302
    assert Article.objects.get(pk=article.pk).title == "比特币价格突破三万五千美元"
    change = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "data-upstream-pending" not in change


def test_the_list_action_dismisses(editor_client, live):
    path, article = live
    rewrite(path, change_title_and_tags)
    run(path)
    response = editor_client.post(reverse("admin:articles_article_changelist"), {
        "action": "action_dismiss_upstream", "_selected_action": [article.pk]})
    assert response.status_code == 302
    assert not Revision.objects.filter(pending_upstream=True).exists()
