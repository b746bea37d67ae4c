"""Confident publishing in the article form (issue 17, item 4): save/preview/publish in a sticky bar, a live slug
preview that asks the server for the slug the model would give, and the publishing time said in Taipei time."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.urls import reverse

from articles.models import Article
from tests.factories import ArticleFactory, UserFactory
from tests.test_admin import article_form_data

pytestmark = pytest.mark.django_db

SLUG_URL = "admin:articles_article_slug_preview"
TAIPEI = ZoneInfo("Asia/Taipei")


def slug_for(client, **params):
    return client.get(reverse(SLUG_URL), params)


# --- the slug endpoint ---------------------------------------------------------------------------------------------

def test_the_slug_preview_gives_a_traditional_slug_for_a_simplified_title(writer_client):
    response = slug_for(writer_client, title="台湾发布新的人工智能规范", language="zh-hans")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"slug": "臺灣發布新的人工智慧規範"}


def test_the_slug_preview_is_the_slug_the_model_saves(editor_client):
    for title, language in [("台湾发布新规", "zh-hans"), ("臺北市長選舉 2026！", "zh-hant"), ("share", "zh-hant"),
                            ("！？", "zh-hant")]:
        preview = slug_for(editor_client, title=title, language=language).json()["slug"]
        article = ArticleFactory(title=title, language=language, slug="")
        assert preview == Article.objects.get(pk=article.pk).slug, title


def test_the_slug_preview_requires_an_article_permission(client, writer_client):
    assert slug_for(client, title="新聞").status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory(username="staff-only", is_staff=True))
    assert slug_for(client, title="新聞").status_code == 403
    assert slug_for(writer_client, title="新聞").status_code == 200


def test_the_slug_preview_handles_bad_input(writer_client):
    assert slug_for(writer_client, title="新聞", language="klingon").status_code == 400
    too_long = slug_for(writer_client, title="長" * 10_000)
    assert too_long.status_code == 400 and "太長" in too_long.json()["error"]
    assert slug_for(writer_client).json() == {"slug": "", "empty": True}
    assert slug_for(writer_client, title="   ").json() == {"slug": "", "empty": True}
    assert writer_client.post(reverse(SLUG_URL), {"title": "新聞"}).status_code == 405


# --- the sticky bar and the JS hook -------------------------------------------------------------------------------

def test_the_change_form_has_the_sticky_bar_and_its_script(editor_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    bar = re.search(r'<div class="publish-bar" id="publish-bar" data-slug-preview-url="([^"]+)">(.*?)</div>\s*</div>',
                    html, re.S)
    assert bar, "no publishing bar"
    assert bar.group(1) == reverse(SLUG_URL)
    assert 'name="_save"' in bar.group(2) and 'name="_publish"' in bar.group(2)
    assert reverse("admin:articles_article_preview", args=[article.pk]) in bar.group(2)
    assert "js/admin-publishbar.js" in html
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html)
    css = (Path(settings.BASE_DIR) / "static/css/admin-desk.css").read_text()
    assert re.search(r"\.publish-bar\s*\{[^}]*position:\s*sticky[^}]*bottom:\s*0", css)
    script = (Path(settings.BASE_DIR) / "static/js/admin-publishbar.js").read_text()
    assert 'getAttribute("data-slug-preview-url")' in script and "publish-at-taipei" in script


def test_the_add_form_has_the_bar_and_a_writer_is_not_offered_publish(writer_client, editor_client):
    add = reverse("admin:articles_article_add")
    assert 'name="_publish"' in editor_client.get(add).content.decode()
    html = writer_client.get(add).content.decode()
    assert 'id="publish-bar"' in html and 'name="_save"' in html
    assert 'name="_publish"' not in html


def test_the_bars_publish_button_publishes(editor_client, writer_client):
    article = ArticleFactory(status=Article.Status.DRAFT)
    change = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(change, article_form_data(article, _publish="儲存並發布"), follow=True)
    published = Article.objects.get(pk=article.pk)
    assert published.status == Article.Status.PUBLISHED
    # What happened, with the live link (publishing.outcome_message), not the generic 「修改成功」.
    said = [str(m) for m in response.context["messages"]]
    assert any(published.get_absolute_url() in m for m in said), said

    later = datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC)
    scheduled = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=later)
    editor_client.post(reverse("admin:articles_article_change", args=[scheduled.pk]), article_form_data(
        scheduled, status="scheduled", publish_at_0="2030-01-01", publish_at_1="08:00", _publish="1"))
    scheduled = Article.objects.get(pk=scheduled.pk)
    assert scheduled.status == Article.Status.PUBLISHED and scheduled.publish_at < later  # published now

    draft = ArticleFactory(status=Article.Status.DRAFT)
    change = reverse("admin:articles_article_change", args=[draft.pk])
    writer_client.post(change, article_form_data(draft, _publish="儲存並發布"))
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT


# --- Taipei time ---------------------------------------------------------------------------------------------------

def test_a_scheduled_article_says_its_time_in_taipei(editor_client):
    when = datetime.datetime(2030, 12, 1, 0, 0, tzinfo=datetime.UTC)  # 08:00 in Taipei
    article = ArticleFactory(status=Article.Status.SCHEDULED, publish_at=when)
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    span = '<span id="publish-at-taipei" class="desk-taipei" aria-live="polite">'
    assert span + "將於 2030年12月1日 08:00（台北時間）發布" in html


def test_a_scheduled_article_posted_from_the_form_is_said_in_taipei_time(editor_client):
    response = editor_client.post(reverse("admin:articles_article_add"), article_form_data(
        status="scheduled", publish_at_0="2030-01-05", publish_at_1="23:30", _continue="1"))
    article = Article.objects.get(title="新的文章")
    assert article.publish_at == datetime.datetime(2030, 1, 5, 23, 30, tzinfo=TAIPEI)
    html = editor_client.get(response["Location"]).content.decode()
    assert "將於 2030年1月5日 23:30（台北時間）發布" in html


def test_a_writer_is_not_shown_the_schedule(writer_client):
    html = writer_client.get(reverse("admin:articles_article_add")).content.decode()
    assert "publish-at-taipei" not in html
