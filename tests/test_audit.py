"""The audit trail: every editorial decision is written down with who, when and from → to."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry, GlossaryTerm, Source
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def entries_for(obj):
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
                .order_by("created_at", "id").values_list("action", "from_value", "to_value"))


def test_publish_unpublish_schedule_and_archive_are_written_down(editor):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_publish(article=article, user=editor)
    services.article_unpublish(article=article, user=editor)
    services.article_schedule(article=article, publish_at=timezone.now() + datetime.timedelta(days=1), user=editor)
    services.article_archive(article=article, user=editor)
    rows = entries_for(article)
    assert [row[0] for row in rows] == ["publish", "unpublish", "schedule", "archive"]
    assert rows[0][1:] == ("草稿", "已發布")
    assert rows[1][1:] == ("已發布", "草稿")
    assert rows[2][1] == "草稿"
    assert rows[3][1:] == ("已排程", "已封存")
    assert set(AuditEntry.objects.values_list("user", flat=True)) == {editor.pk}


def test_the_scheduled_run_writes_a_publish_entry_by_the_system():
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_schedule(article=article, publish_at=timezone.now() + datetime.timedelta(minutes=1))
    services.articles_publish_scheduled(now=timezone.now() + datetime.timedelta(minutes=2))
    entry = AuditEntry.objects.filter(action="publish").get()
    assert entry.object_id == article.pk and entry.user is None and entry.to_value == "已發布"


def test_a_refused_publish_writes_nothing(editor):
    article = ArticleFactory(source=SourceFactory(reprint_permission="none"))
    with pytest.raises(Exception):  # noqa: B017 - the reprint gate's ValidationError
        services.article_publish(article=article, user=editor)
    assert not AuditEntry.objects.exists()


def test_reprint_permission_changes_in_the_source_admin_are_written_down(editor_client, editor):
    source = SourceFactory(name="八比特", reprint_permission="none")
    url = reverse("admin:articles_source_change", args=[source.pk])
    data = {"name": "八比特", "slug": source.slug, "kind": "publisher", "homepage": source.homepage, "feed_url": "",
            "reprint_permission": "granted", "permission_note": "合約 2026-01", "permission_expires": "2027-01-31",
            "copyright_notice": source.copyright_notice}
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(object_type="articles.source", object_id=source.pk)
    assert entry.action == "permission" and entry.user == editor
    assert entry.from_value == "未取得授權" and entry.to_value == "已取得轉載授權（到期 2027-01-31）：合約 2026-01"
    # Saving without touching the permission writes nothing more.
    editor_client.post(url, {**data, "homepage": "https://8btc.example/"})
    assert AuditEntry.objects.filter(object_type="articles.source").count() == 1
    page = editor_client.get(url).content.decode()
    assert "data-audit-trail" in page and "合約 2026-01" in page


def test_a_new_source_is_written_down_with_its_permission(editor):
    source = services.source_save(source=Source(name="新來源", reprint_permission="public"), user=editor)
    assert entries_for(source) == [("permission", "（新來源）", "公開授權")]


def test_glossary_changes_are_written_down(editor):
    term = services.glossary_term_save(term=GlossaryTerm(simplified="内卷", traditional="內捲"), user=editor)
    term.traditional = "內卷"
    services.glossary_term_save(term=term, user=editor)
    services.glossary_term_save(term=term, user=editor)  # unchanged: nothing to write
    pk = term.pk
    services.glossary_term_delete(term=term, user=editor)
    rows = list(AuditEntry.objects.filter(object_type="articles.glossaryterm", object_id=pk)
                .order_by("id").values_list("action", "from_value", "to_value"))
    assert rows == [
        ("glossary_add", "", "内卷 → 內捲"),
        ("glossary_change", "内卷 → 內捲", "内卷 → 內卷"),
        ("glossary_delete", "内卷 → 內卷", ""),
    ]


def test_the_article_form_shows_its_audit_trail(editor_client, editor):
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_publish(article=article, user=editor)
    page = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    block = page[page.index("data-audit-trail"):]
    assert "發布" in block and "editor" in block and "草稿 → 已發布" in block


def test_publishing_from_the_admin_form_is_written_down(editor_client, editor):
    from tests.test_admin import article_form_data

    article = ArticleFactory(source=SourceFactory(reprint_permission="own"))
    services.article_save(article=article)
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, article_form_data(article, status="published", source=article.source_id))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Article.objects.get(pk=article.pk).status == "published"
    assert entries_for(article) == [("publish", "草稿", "已發布")]
