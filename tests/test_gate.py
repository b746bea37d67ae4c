"""The reprint gate and the rules around it, each in one home: no side door puts an article on a source without a
valid permission in front of readers; permissions expire on their own; notices and picture credits stay honest."""

import datetime
import io
import json

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, AuditEntry, Image, Source
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db

YESTERDAY = lambda: timezone.localdate() - datetime.timedelta(days=1)  # noqa: E731


def publish(article, **kwargs):
    return services.article_publish(article=article, **kwargs)


def is_public(article) -> bool:
    return Article.objects.published().filter(pk=article.pk).exists()


def lapse(source, *, on=None) -> None:
    """Time passes: the source's granted permission ended yesterday (no write through the services)."""
    Source.objects.filter(pk=source.pk).update(reprint_permission="granted", permission_expires=on or YESTERDAY())


# --- the rule, in one home -----------------------------------------------------------------------------------

@pytest.mark.parametrize("permission,expires,valid", [
    ("none", None, False), ("own", None, True), ("public", None, True), ("granted", None, True),
    ("granted", 0, True), ("granted", -1, False), ("granted", 5, True), ("none", 5, False),
])
def test_the_sql_rule_agrees_with_the_editors_reasons(permission, expires, valid):
    today = timezone.localdate()
    source = SourceFactory(reprint_permission=permission,
                           permission_expires=None if expires is None else today + datetime.timedelta(days=expires))
    assert (source.reprint_problem(on=today) is None) is valid
    article = ArticleFactory(source=source)
    Article.objects.filter(pk=article.pk).update(status="published", publish_at=timezone.now())
    assert is_public(article) is valid
    assert Article.objects.filter(pk=article.pk).reprint_lapsed().exists() is not valid


def test_no_source_is_own_content_and_always_valid():
    article = ArticleFactory(source=None)
    publish(article)
    assert is_public(article)


# --- listed_at is the database's ---------------------------------------------------------------------------

def test_a_queryset_update_to_draft_takes_the_article_off_at_once(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(ArticleFactory(title="被直接改成草稿的新聞"))
    assert client.get(article.get_absolute_url()).status_code == 200
    Article.objects.filter(pk=article.pk).update(status="draft")
    assert not is_public(article)
    assert Article.objects.values_list("listed_at", flat=True).get(pk=article.pk) is None
    assert not Article.objects.filter(pk=article.pk).listed().exists()
    from django.core.cache import cache

    cache.clear()  # the whole-page cache was told nothing (a raw update); the stored page is not served
    assert client.get(article.get_absolute_url()).status_code == 404


def test_listed_at_follows_status_and_publish_at_after_a_save():
    article = ArticleFactory()
    assert article.listed_at is None
    publish(article)
    assert article.listed_at == article.publish_at  # read again after the save, not the stale None
    services.article_unpublish(article=article)
    assert article.listed_at is None


# --- every side door goes through the gate ----------------------------------------------------------------

def test_restore_of_a_revision_on_a_source_without_permission_is_refused(editor, editor_client):
    source = SourceFactory(name="撤回授權的媒體")
    article = publish(ArticleFactory(title="原本的標題", source=source), user=editor)
    article.title = "改過的標題"
    services.article_save(article=article, user=editor)
    first = article.revisions.order_by("created_at", "id").first()
    source.reprint_permission = "none"
    services.source_save(source=source, user=editor)
    with pytest.raises(ValidationError, match="撤回授權的媒體"):
        services.revision_restore(revision=first, user=editor)
    article.refresh_from_db()
    assert article.title == "改過的標題" and not is_public(article)
    # Through the admin: a message, never a 500, and nothing restored.
    url = reverse("admin:articles_article_revision_restore", args=[article.pk, first.pk])
    response = editor_client.post(url, follow=True)
    assert response.status_code == 200
    assert any("無法還原" in str(m) for m in get_messages(response.wsgi_request))
    assert Article.objects.get(pk=article.pk).title == "改過的標題"
    # Unpublished first, it restores as a draft.
    services.article_unpublish(article=article, user=editor)
    services.revision_restore(revision=first, user=editor)
    article.refresh_from_db()
    assert (article.title, article.status) == ("原本的標題", "draft")


def test_restore_cannot_bring_back_a_source_without_permission_onto_a_published_article(editor):
    blocked = SourceFactory(reprint_permission="none")
    article = ArticleFactory(source=blocked)
    services.article_save(article=article)
    old = article.revisions.first()
    article.source = SourceFactory(reprint_permission="own")
    publish(article)
    with pytest.raises(ValidationError):
        services.revision_restore(revision=old, user=editor)
    assert Article.objects.get(pk=article.pk).source_id == article.source_id


def test_review_approval_is_refused_for_a_lapsed_permission(editor_client):
    source = SourceFactory(name="過期的授權")
    lapse(source)
    article = ArticleFactory(source=source, status="review")
    url = reverse("admin:articles_article_review_approve", args=[article.pk])
    response = editor_client.post(url, follow=True)
    assert response.status_code == 200
    assert any("過期的授權" in str(m) for m in get_messages(response.wsgi_request))
    assert Article.objects.get(pk=article.pk).status == "review"


def test_bulk_publish_action_is_refused_for_a_lapsed_permission(editor_client):
    lapsed = SourceFactory(name="上週到期")
    lapse(lapsed)
    article = ArticleFactory(source=SourceFactory(reprint_permission="own"), original_source=lapsed)
    response = editor_client.post(reverse("admin:articles_article_changelist"),
                                  {"action": "action_publish", "_selected_action": [article.pk], "post": "yes"},
                                  follow=True)
    assert any("上週到期" in str(m) for m in get_messages(response.wsgi_request))
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_the_admin_form_cannot_keep_a_lapsed_article_published(editor_client):
    from tests.test_admin import article_form_data

    source = SourceFactory(name="到期來源")
    article = publish(ArticleFactory(source=source))
    lapse(source)
    data = article_form_data(article, title="改標題", source=source.pk, status="published",
                             publish_at_0=timezone.localtime(article.publish_at).strftime("%Y-%m-%d"),
                             publish_at_1=timezone.localtime(article.publish_at).strftime("%H:%M:%S"))
    response = editor_client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200 and "到期來源" in response.content.decode()
    assert Article.objects.get(pk=article.pk).title != "改標題"


def test_article_save_itself_refuses_a_listed_article_on_a_source_without_permission():
    article = ArticleFactory(source=SourceFactory(reprint_permission="none"))
    article.status, article.publish_at = "published", timezone.now()
    with pytest.raises(ValidationError, match="轉載授權"):
        services.article_save(article=article)
    assert Article.objects.get(pk=article.pk).status == "draft"


def test_import_publish_on_a_source_without_permission_leaves_a_draft(tmp_path):
    SourceFactory(name="未授權媒體", homepage="https://unlicensed.example", reprint_permission="none")
    record = {"guid": "gate-1", "url": "https://unlicensed.example/1", "title": "匯入的新聞",
              "body": "<p>內文</p>", "language": "zh-Hant",
              "source": {"name": "未授權媒體", "url": "https://unlicensed.example"}}
    path = tmp_path / "gate.json"
    path.write_text(json.dumps({"articles": [record]}, ensure_ascii=False), encoding="utf-8")
    call_command("import_articles", str(path), "--publish", stdout=io.StringIO(), stderr=io.StringIO())
    article = Article.objects.get(title="匯入的新聞")
    assert article.status == "draft" and not is_public(article)


# --- expiry ------------------------------------------------------------------------------------------------

def test_expiry_while_published_hides_it_the_day_after_and_the_cron_takes_it_down(
        client, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    source = SourceFactory(name="今天到期", reprint_permission="granted", permission_expires=today)
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(ArticleFactory(title="授權今天到期的新聞", source=source))
    assert is_public(article)  # valid through the whole expiry day
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert not Article.objects.published(now=tomorrow).filter(pk=article.pk).exists()
    assert client.get(article.get_absolute_url()).status_code == 200
    lapse(source)  # a day later
    assert not is_public(article)
    with django_capture_on_commit_callbacks(execute=True):
        out = io.StringIO()
        call_command("publish_scheduled", stdout=out)
    assert "taken down 1" in out.getvalue()
    article.refresh_from_db()
    assert article.status == "draft"
    entry = AuditEntry.objects.get(object_id=article.pk, action=AuditEntry.Action.PERMISSION_LAPSED)
    assert (entry.from_value, entry.to_value, entry.user) == ("已發布", "草稿", None)
    assert "今天到期" in entry.note
    assert client.get(article.get_absolute_url()).status_code == 404  # the caches dropped it
    # A second run has nothing to do.
    out = io.StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "taken down" not in out.getvalue()


def test_expiry_between_scheduling_and_publish_time_means_never_public(client, django_capture_on_commit_callbacks):
    today = timezone.localdate()
    source = SourceFactory(reprint_permission="granted", permission_expires=today)
    publish_at = timezone.make_aware(datetime.datetime.combine(today + datetime.timedelta(days=1),
                                                               datetime.time(12)))
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_schedule(article=ArticleFactory(source=source), publish_at=publish_at)
    assert article.status == "scheduled"
    # At its publish time the permission has lapsed: never in the public set, and the cron does not publish it.
    assert not Article.objects.published(now=publish_at + datetime.timedelta(minutes=1)).filter(
        pk=article.pk).exists()
    assert services.articles_publish_scheduled(now=publish_at + datetime.timedelta(minutes=1)) == []
    # Time passes for real: its time came and the permission ended yesterday.
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    lapse(source)
    assert not is_public(article)
    assert client.get(article.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        call_command("publish_scheduled", stdout=io.StringIO())
    article.refresh_from_db()
    assert article.status == "draft" and article.published_at is None
    assert not AuditEntry.objects.filter(object_id=article.pk, action=AuditEntry.Action.PUBLISH).exists()
    assert AuditEntry.objects.filter(object_id=article.pk, action=AuditEntry.Action.PERMISSION_LAPSED).exists()


def test_a_renewed_permission_brings_the_article_back_through_the_stored_page(
        client, django_capture_on_commit_callbacks, editor):
    source = SourceFactory(reprint_permission="granted")
    with django_capture_on_commit_callbacks(execute=True):
        article = publish(ArticleFactory(title="授權撤回又恢復", source=source))
        source.reprint_permission = "none"
        services.source_save(source=source, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        source.reprint_permission = "public"
        services.source_save(source=source, user=editor)
    assert client.get(article.get_absolute_url()).status_code == 200


def test_the_dashboard_warns_of_permissions_expiring_within_two_weeks(editor_client):
    today = timezone.localdate()
    soon = SourceFactory(name="下週到期媒體", reprint_permission="granted",
                         permission_expires=today + datetime.timedelta(days=6))
    later = SourceFactory(name="明年到期媒體", reprint_permission="granted",
                          permission_expires=today + datetime.timedelta(days=300))
    for _ in range(2):
        publish(ArticleFactory(source=soon))
    publish(ArticleFactory(source=SourceFactory(reprint_permission="own"), original_source=soon))
    ArticleFactory(source=soon)  # a draft: nothing to take down
    publish(ArticleFactory(source=later))
    html = editor_client.get(reverse("admin:index")).content.decode()
    assert 'data-desk="expiring"' in html
    assert f'data-expiring-source="{soon.slug}" data-published-count="3"' in html and "下週到期媒體" in html
    assert "明年到期媒體" not in html


# --- copyright derived, never frozen -------------------------------------------------------------------------

def test_a_sources_new_default_notice_reaches_its_existing_articles(client, editor, django_capture_on_commit_callbacks):
    source = SourceFactory(copyright_notice="舊的著作權說明")
    with django_capture_on_commit_callbacks(execute=True):
        plain = publish(ArticleFactory(title="沿用來源聲明", source=source))
        own = publish(ArticleFactory(title="自有聲明", source=source, copyright_notice="本文由作者授權刊登"))
    plain_url, own_url = plain.get_absolute_url(), own.get_absolute_url()
    old_notice = source.localized_copyright("zh-hant")
    assert old_notice and old_notice in client.get(plain.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        source.copyright_notice = "版权归原作者所有，转载请注明出处"
        services.source_save(source=source, user=editor)
    hant_notice, hans_notice = source.localized_copyright("zh-hant"), source.localized_copyright("zh-hans")
    assert hant_notice.startswith("版權歸原作者所有") and hans_notice == "版权归原作者所有，转载请注明出处"
    hant = client.get(plain.get_absolute_url()).content.decode()
    assert hant_notice in hant and old_notice not in hant
    assert hans_notice in client.get("/zh-hans" + plain_url).content.decode()
    assert "本文由作者授權刊登" in client.get(own_url).content.decode()
    plain.refresh_from_db()  # nothing was written to the article itself
    assert plain.copyright_hant == "" and plain.localized("copyright", "zh-hant") == hant_notice


# --- pictures published articles show ------------------------------------------------------------------------

def image_form_data(image, **overrides):
    data = {"focal_x": image.focal_x, "focal_y": image.focal_y, "alt_text": image.alt_text,
            "caption": image.caption, "credit": image.credit, "source": image.source_id or ""}
    if image.ai_generated:
        data["ai_generated"] = "on"
    data.update(overrides)
    return data


def test_a_writer_cannot_change_the_credit_of_a_picture_a_published_article_shows(writer, writer_client):
    image = make_image(credit="路透社", alt_text="記者會")
    publish(ArticleFactory(featured_image=image))
    image.credit = "本報攝影"
    with pytest.raises(PermissionDenied):
        services.image_update_details(image=image, user=writer)
    assert Image.objects.get(pk=image.pk).credit == "路透社"
    response = writer_client.post(reverse("admin:articles_image_change", args=[image.pk]),
                                  image_form_data(Image.objects.get(pk=image.pk), credit="本報攝影"))
    assert response.status_code == 200 and "只有編輯可以修改" in response.content.decode()
    assert Image.objects.get(pk=image.pk).credit == "路透社"
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMAGE_DETAILS).exists()
    # The focal point is not a detail readers are told: a writer may still move it.
    response = writer_client.post(reverse("admin:articles_image_change", args=[image.pk]),
                                  image_form_data(Image.objects.get(pk=image.pk), focal_x=0.3))
    assert response.status_code == 302


def test_an_editor_may_change_it_and_every_change_is_audited(editor, editor_client, writer):
    image = make_image(credit="路透社", alt_text="記者會")
    publish(ArticleFactory(featured_image=image))
    response = editor_client.post(reverse("admin:articles_image_change", args=[image.pk]),
                                  image_form_data(image, credit="美聯社", ai_generated="on"))
    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.credit, image.ai_generated) == ("美聯社", True)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMAGE_DETAILS, object_id=image.pk)
    assert entry.user == editor
    assert "路透社" in entry.from_value and "美聯社" in entry.to_value
    assert "False" in entry.from_value and "True" in entry.to_value
    # A picture no listed article shows: a writer may change it, and that is audited too.
    unused = make_image(credit="讀者提供", alt_text="街景", colour=(10, 20, 30))
    ArticleFactory(featured_image=unused)  # a draft
    unused.credit = "讀者 王先生 提供"
    services.image_update_details(image=unused, user=writer)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMAGE_DETAILS, object_id=unused.pk)
    assert (entry.user, entry.from_value, entry.to_value) == (writer, "圖片來源：讀者提供",
                                                              "圖片來源：讀者 王先生 提供")
