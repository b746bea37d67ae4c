"""Never lose work (issue 17, item 2): autosaves of the article form are kept apart from the article, one per
(user, article), offered back when newer than the last save, and refused to whoever may not edit the article."""

import datetime
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Autosave
from tests.factories import ArticleFactory, UserFactory
from tests.test_admin import article_form_data

pytestmark = pytest.mark.django_db

AUTOSAVE = "admin:articles_article_autosave"


def post_json(client, url, payload, **extra):
    body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
    return client.post(url, body, content_type="application/json", **extra)


def offered(html: str) -> dict:
    """The autosave data the restore button fills the form from (the page's JSON, not script)."""
    match = re.search(r'<script id="autosave-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else {}


def autosave(client, article, **fields):
    payload = {"article": article.pk if article else None,
               "base_version": article.version if article else None,
               "fields": {"title": "自動儲存的標題", "body": "<p>打到一半的內文</p>", **fields}}
    return post_json(client, reverse(AUTOSAVE), payload)


def test_an_autosave_leaves_the_article_and_its_page_alone(writer_client, writer, django_capture_on_commit_callbacks):
    article = ArticleFactory(title="原本的標題")
    before = Article.objects.values("version", "updated_at", "status", "title", "page_version").get(pk=article.pk)
    revisions = article.revisions.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = autosave(writer_client, article)
    assert response.status_code == 200
    assert response.json()["when"]
    assert Article.objects.values("version", "updated_at", "status", "title", "page_version").get(
        pk=article.pk) == before
    assert article.revisions.count() == revisions
    assert callbacks == []  # no events, no page or cache work after commit
    stored = Autosave.objects.get(user=writer, article=article)
    assert stored.data["fields"]["title"] == "自動儲存的標題"
    assert stored.base_version == article.version


def test_the_body_is_sanitised_on_the_way_in(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article, body='<p onclick="steal()">字</p><script>alert(1)</script>')
    body = Autosave.objects.get(user=writer, article=article).data["fields"]["body"]
    assert "<script" not in body and "onclick" not in body and "字" in body


def test_nul_characters_are_dropped(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article, title="標\x00題")
    assert Autosave.objects.get(user=writer).data["fields"]["title"] == "標題"


def test_lone_surrogates_are_replaced_not_a_500(writer_client, writer):
    article = ArticleFactory()
    raw = '{"article": ARTICLE, "fields": {"title": "\\ud800標題", "body": "<p>\\udfff</p>"}}'
    raw = raw.replace("ARTICLE", str(article.pk))
    assert post_json(writer_client, reverse(AUTOSAVE), raw).status_code == 200
    assert Autosave.objects.get(user=writer).data["fields"]["title"] == "\ufffd標題"


def test_fields_outside_the_content_are_not_kept(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article, status="published", csrfmiddlewaretoken="x", summary="摘要草稿")
    fields = Autosave.objects.get(user=writer, article=article).data["fields"]
    assert fields["summary"] == "摘要草稿"
    assert "status" not in fields and "csrfmiddlewaretoken" not in fields


def test_each_autosave_overwrites_the_users_one_row(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article, title="第一次")
    autosave(writer_client, article, title="第二次")
    rows = Autosave.objects.filter(user=writer, article=article)
    assert rows.count() == 1
    assert rows.get().data["fields"]["title"] == "第二次"


def test_a_new_articles_form_keeps_one_row_too(writer_client, writer):
    autosave(writer_client, None, title="新稿一")
    autosave(writer_client, None, title="新稿二")
    rows = Autosave.objects.filter(user=writer, article=None)
    assert [row.data["fields"]["title"] for row in rows] == ["新稿二"]


def test_a_normal_save_clears_the_savers_autosave(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article)
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                  article_form_data(article, title="正式儲存"))
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=writer, article=article).exists()


def test_saving_a_new_article_clears_the_new_form_autosave(writer_client, writer):
    autosave(writer_client, None, title="新稿")
    response = writer_client.post(reverse("admin:articles_article_add"), article_form_data(title="新稿"))
    assert response.status_code == 302
    assert not Autosave.objects.filter(user=writer).exists()


def test_another_users_save_leaves_my_autosave(writer_client, writer, editor):
    article = ArticleFactory()
    autosave(writer_client, article)
    article.title = "編輯改了標題"
    services.article_save(article=article, user=editor)
    assert Autosave.objects.filter(user=writer, article=article).exists()


def test_restore_is_offered_when_the_autosave_is_newer_than_the_last_save(writer_client):
    article = ArticleFactory()
    autosave(writer_client, article, title="還沒儲存的標題")
    response = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    html = response.content.decode()
    assert "data-autosave-offer" in html
    assert "自動儲存、尚未儲存的內容" in html
    assert offered(html)["fields"]["title"] == "還沒儲存的標題"
    assert "data-autosave-stale" not in html


def test_a_form_back_with_errors_is_marked_unsaved_and_offers_nothing(writer_client):
    article = ArticleFactory()
    autosave(writer_client, article)
    response = writer_client.post(reverse("admin:articles_article_change", args=[article.pk]),
                                  article_form_data(article, title=""))
    html = response.content.decode()
    assert response.status_code == 200 and "data-unsaved" in html  # the script warns before leaving it
    assert "data-autosave-offer" not in html  # what was just posted is on screen, not the older autosave


def test_restore_is_not_offered_when_the_article_was_saved_since(writer_client, writer):
    article = ArticleFactory()
    autosave(writer_client, article)
    Autosave.objects.filter(user=writer).update(updated_at=timezone.now() - datetime.timedelta(hours=1))
    response = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "data-autosave-offer" not in response.content.decode()


def test_an_autosave_holding_what_is_saved_is_not_offered(writer_client):
    # e.g. the last autosave reached the server just after the save it matches
    article = ArticleFactory(title="已儲存的標題", body="<p>已儲存的內文。</p>")
    autosave(writer_client, article, title="已儲存的標題", body="<p>已儲存的內文。</p>")
    response = writer_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "data-autosave-offer" not in response.content.decode()


def test_another_users_autosave_is_never_offered(writer_client, editor_client):
    article = ArticleFactory()
    autosave(editor_client, article, title="編輯的草稿")
    html = writer_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "data-autosave-offer" not in html and offered(html) == {}


def test_the_new_article_form_offers_the_new_form_autosave(writer_client):
    autosave(writer_client, None, title="新稿的標題")
    html = writer_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "data-autosave-offer" in html and offered(html)["fields"]["title"] == "新稿的標題"


def test_the_banner_says_when_the_article_moved_on_since_the_autosave(writer_client, editor):
    article = ArticleFactory()
    services.article_save(article=article, user=editor)
    article.refresh_from_db()
    autosave(writer_client, article)  # based on the version the writer had open
    based_on = article.version
    article.title = "編輯搶先儲存"
    services.article_save(article=article, user=editor)
    Autosave.objects.update(updated_at=timezone.now() + datetime.timedelta(minutes=1))  # typed after that save
    html = writer_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "data-autosave-stale" in html
    assert f"根據版本 {based_on}" in html and f"目前是版本 {article.version}" in html
    assert f'data-base-version="{based_on}"' in html  # a restore keeps the lock on the autosave's version


def test_a_writer_cannot_autosave_a_published_article(writer_client, writer):
    article = ArticleFactory(published=True)
    response = autosave(writer_client, article)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert not Autosave.objects.exists()


def test_an_editor_may_autosave_a_published_article(editor_client):
    article = ArticleFactory(published=True)
    assert autosave(editor_client, article).status_code == 200


def test_an_oversized_payload_is_a_400_json(writer_client):
    article = ArticleFactory()
    response = autosave(writer_client, article, body="字" * 1_200_000)  # 3.6 MB of UTF-8
    assert response.status_code == 400
    assert "上限" in response.json()["error"]
    assert not Autosave.objects.exists()


@pytest.mark.parametrize("payload", [
    b"{not json", b"\xff\xfe", b"[1, 2]", {"article": "abc"}, {"article": True},
    {"fields": ["title"]}, {"fields": {"title": 5}}, {"fields": {"title": "x"}, "base_version": "v1"},
    {"fields": {"title": "x"}, "labels": "oops"}, {"article": 10**30}, {"article": -1},
    {"fields": {"title": "x"}, "base_version": 10**30},
])
def test_a_malformed_payload_is_a_400_json(writer_client, payload):
    response = post_json(writer_client, reverse(AUTOSAVE), payload)
    assert response.status_code == 400
    assert response.json()["error"]


def test_an_unknown_article_is_a_404_json(writer_client):
    response = post_json(writer_client, reverse(AUTOSAVE), {"article": 999999, "fields": {}})
    assert response.status_code == 404
    assert response.json()["error"]


def test_anonymous_and_non_staff_users_have_no_access(client):
    article = ArticleFactory()
    assert autosave(client, article).status_code == 302  # to the login page
    outsider = Client()
    outsider.force_login(UserFactory(is_staff=False))
    assert autosave(outsider, article).status_code == 302
    assert not Autosave.objects.exists()


def test_the_autosave_needs_the_csrf_token(writer):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(writer)
    article = ArticleFactory()
    assert autosave(strict, article).status_code == 403
    assert not Autosave.objects.exists()


def test_a_get_is_refused(writer_client):
    assert writer_client.get(reverse(AUTOSAVE)).status_code == 405


def test_discard_drops_only_the_users_autosave(writer_client, editor_client, writer, editor):
    article = ArticleFactory()
    autosave(writer_client, article)
    autosave(editor_client, article)
    response = post_json(writer_client, reverse("admin:articles_article_autosave_discard"), {"article": article.pk})
    assert response.json() == {"discarded": 1}
    assert list(Autosave.objects.values_list("user", flat=True)) == [editor.pk]
