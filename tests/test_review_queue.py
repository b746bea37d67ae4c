"""The editors' review queue and the desk on the admin index."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def in_review(writer, **fields):
    article = ArticleFactory(created_by=writer, **fields)
    services.article_submit_for_review(article=article, user=writer)
    return article


def test_the_queue_lists_articles_in_review_with_writer_and_reprint_state(editor_client, writer):
    ok = in_review(writer, title="可以發布的稿子", source=SourceFactory(name="有授權", reprint_permission="granted"))
    blocked = in_review(writer, title="沒有授權的稿子", source=SourceFactory(name="沒授權", reprint_permission="none"))
    ArticleFactory(title="還是草稿")
    page = editor_client.get(reverse("admin:articles_article_review_queue")).content.decode()
    assert ok.title in page and blocked.title in page and "還是草稿" not in page
    assert "writer" in page and "已取得轉載授權" in page
    assert "尚未取得「沒授權」的轉載授權" in page


def test_writers_cannot_open_the_queue_or_approve(writer_client, writer):
    article = in_review(writer, source=SourceFactory(reprint_permission="own"))
    assert writer_client.get(reverse("admin:articles_article_review_queue")).status_code == 403
    assert writer_client.post(reverse("admin:articles_article_review_approve", args=[article.pk])).status_code == 403
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW


def test_one_click_approve_publishes_and_the_gate_still_applies(editor_client, writer):
    good = in_review(writer, source=SourceFactory(reprint_permission="own"))
    bad = in_review(writer, source=SourceFactory(reprint_permission="none"))
    editor_client.post(reverse("admin:articles_article_review_approve", args=[good.pk]))
    response = editor_client.post(reverse("admin:articles_article_review_approve", args=[bad.pk]), follow=True)
    assert Article.objects.get(pk=good.pk).status == Article.Status.PUBLISHED
    assert Article.objects.get(pk=bad.pk).status == Article.Status.REVIEW
    assert "無法發布" in response.content.decode()
    assert AuditEntry.objects.filter(action="publish", object_id=good.pk).exists()


def test_send_back_with_a_comment_the_writer_sees(editor_client, writer_client, writer):
    article = in_review(writer)
    url = reverse("admin:articles_article_review_send_back", args=[article.pk])
    editor_client.post(url, {"comment": ""})
    assert Article.objects.get(pk=article.pk).status == Article.Status.REVIEW  # a comment is required
    editor_client.post(url, {"comment": "第二段的數據請補上出處。"})
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    entry = AuditEntry.objects.get(action="send_back", object_id=article.pk)
    assert entry.note == "第二段的數據請補上出處。"
    page = writer_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "data-review-feedback" in page and "第二段的數據請補上出處。" in page


def test_the_desk_on_the_admin_index(editor_client, editor, writer_client, writer):
    mine = ArticleFactory(title="我的草稿一篇", created_by=writer)
    waiting = in_review(writer, title="等待審稿的一篇")
    blocked = in_review(writer, title="被授權擋下的一篇", source=SourceFactory(reprint_permission="none"))
    # "Today" is Taipei's day: 23:30 Taipei is still today, 00:30 tomorrow is not.
    tonight = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(23, 30)))
    today = ArticleFactory(title="今天排程的一篇", source=SourceFactory(reprint_permission="own"))
    services.article_schedule(article=today, publish_at=tonight, user=editor)
    tomorrow = ArticleFactory(title="明天排程的一篇", source=SourceFactory(reprint_permission="own"))
    services.article_schedule(article=tomorrow, publish_at=tonight + datetime.timedelta(hours=1), user=editor)

    page = writer_client.get(reverse("admin:index")).content.decode()
    desk = page[page.index("data-editors-desk"):]
    row = {name: desk[desk.index(f'data-desk="{name}"'):].split("</tr>")[0]
           for name in ("my-drafts", "waiting-review", "scheduled-today", "blocked")}
    assert mine.title in row["my-drafts"]
    assert waiting.title in row["waiting-review"] and blocked.title in row["waiting-review"]
    assert today.title in row["scheduled-today"] and tomorrow.title not in row["scheduled-today"]
    assert blocked.title in row["blocked"] and waiting.title not in row["blocked"]
    assert "前往審稿" not in desk
    assert "前往審稿" in editor_client.get(reverse("admin:index")).content.decode()
