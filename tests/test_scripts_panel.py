"""See both scripts while writing (issue 17, item 3): the side panel's endpoint converts on the server by the save's
own path and lists the mainland usages; the admin preview switches script."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from articles.admin.articles import scripts
from articles.models import Article
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

PANEL = "admin:articles_article_scripts_preview"


def ask(client, **payload):
    payload = {"title": "", "summary": "", "body": "", "language": "zh-hant", **payload}
    return client.post(reverse(PANEL), json.dumps(payload), content_type="application/json")


def test_simplified_text_comes_back_in_taiwan_traditional(writer_client):
    response = ask(writer_client, title="信息安全新规", summary="网络信息", body="<p>这条信息很重要。</p>",
                   language="zh-hans")
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "zh-hant"
    assert "資訊" in data["body"] and "信息" not in data["body"]
    assert data["title"].startswith("資訊安全")


def test_the_panel_shows_what_saving_stores(writer_client):
    text = {"title": "软件更新", "summary": "视频与信息", "body": "<p>这条信息很重要，请看<a href=\"https://x.example/信息\">链接</a>。</p>"}
    data = ask(writer_client, language="zh-hans", **text).json()
    article = ArticleFactory(language="zh-hans", **text)
    assert (data["title"], data["summary"], data["body"]) == (article.title_hant, article.summary_hant,
                                                              article.body_hant)


def test_traditional_text_comes_back_in_simplified(writer_client):
    data = ask(writer_client, title="資訊安全", body="<p>軟體更新。</p>").json()
    assert data["language"] == "zh-hans"
    assert data["title"] == "信息安全"  # mainland phrasing, as the Simplified site stores it
    assert data["body"] == "<p>软件更新。</p>"


def test_mainland_usage_in_traditional_text_is_listed(writer_client):
    data = ask(writer_client, title="新聞", body="<p>這段視頻裡的信息很多。</p>").json()
    words = {hit["word"]: hit for hit in data["hits"]}
    assert "信息" in words and "視頻" in words
    assert "資訊" in words["信息"]["taiwan"] and words["信息"]["reason"]
    assert words["信息"]["count"] == 1


def test_simplified_text_is_checked_after_conversion(writer_client):
    # 信息 in Simplified becomes 資訊 by conversion: nothing left for the editor to fix.
    data = ask(writer_client, body="<p>这条信息很重要。</p>", language="zh-hans").json()
    assert [hit["word"] for hit in data["hits"]] == []


def test_the_body_is_sanitised_before_it_is_shown(writer_client):
    data = ask(writer_client, body='<p onmouseover="x()">字</p><script>alert(1)</script><img src=x onerror=y()>').json()
    assert "<script" not in data["body"] and "onmouseover" not in data["body"] and "onerror" not in data["body"]


def test_an_unknown_script_or_a_non_text_field_is_a_400(writer_client):
    assert ask(writer_client, language="en").status_code == 400
    assert ask(writer_client, body=["x"]).status_code == 400
    response = writer_client.post(reverse(PANEL), b"{oops", content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]


def test_lone_surrogates_are_replaced_not_a_500(writer_client):
    raw = '{"title": "\\ud800信息", "summary": "", "body": "<p>\\udfff</p>", "language": "zh-hans"}'
    response = writer_client.post(reverse(PANEL), raw, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["body"] == "<p>\ufffd</p>"


def test_an_oversized_body_is_a_400_json(writer_client):
    response = ask(writer_client, body="字" * (scripts.SCRIPTS_MAX_BYTES // 3 + 10))
    assert response.status_code == 400
    assert "上限" in response.json()["error"]


def test_too_many_requests_are_a_429(writer_client, monkeypatch):
    monkeypatch.setattr(scripts, "SCRIPTS_RATE_LIMIT", (2, 60))
    assert [ask(writer_client, title="一").status_code for _ in range(3)] == [200, 200, 429]


def test_staff_only(client, writer_client):
    assert ask(client, title="信息").status_code == 302  # to the login page
    outsider = Client()
    outsider.force_login(UserFactory(is_staff=False))
    assert ask(outsider, title="信息").status_code == 302
    no_rights = Client()
    no_rights.force_login(UserFactory())  # staff without any article permission
    assert ask(no_rights, title="信息").status_code == 403
    assert writer_client.get(reverse(PANEL)).status_code == 405


def test_the_change_form_carries_the_panel_hook(writer_client):
    article = ArticleFactory()
    html = writer_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert f'data-scripts-url="{reverse(PANEL)}"' in html
    assert "js/admin-scripts-panel" in html


# --- the preview's script switch -------------------------------------------------------


def test_the_simplified_preview_shows_simplified_text_and_links_back(editor_client):
    article = ArticleFactory(title="軟體資訊安全", body="<p>這是軟體。</p>")
    traditional = reverse("admin:articles_article_preview", args=[article.pk])
    simplified = reverse("admin:articles_article_preview_hans", args=[article.pk])
    html = editor_client.get(simplified).content.decode()
    assert Article.objects.get(pk=article.pk).title_hans in html
    assert "软件" in html and "這是軟體" not in html
    assert f'<a href="{traditional}" hreflang="zh-Hant-TW" lang="zh-Hant-TW">繁體</a>' in html
    assert 'lang="zh-Hans"' in html.split(">", 2)[1]  # <html lang=...>


def test_the_traditional_preview_links_to_the_simplified_preview(editor_client):
    article = ArticleFactory(title="軟體資訊安全")
    traditional = reverse("admin:articles_article_preview", args=[article.pk])
    simplified = reverse("admin:articles_article_preview_hans", args=[article.pk])
    html = editor_client.get(traditional).content.decode()
    assert "軟體資訊安全" in html
    assert f'<a href="{simplified}" hreflang="zh-Hans" lang="zh-Hans">简体</a>' in html


def test_the_simplified_preview_is_for_staff_and_never_cached(editor_client, client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_preview_hans", args=[article.pk])
    response = editor_client.get(url)
    assert "no-cache" in response["Cache-Control"]
    assert client.get(url).status_code == 302


def test_a_preview_leaves_the_next_request_in_traditional(editor_client):
    article = ArticleFactory(title="軟體")
    editor_client.get(reverse("admin:articles_article_preview_hans", args=[article.pk]))
    html = editor_client.get(reverse("admin:articles_article_preview", args=[article.pk])).content.decode()
    assert "<h1>軟體</h1>" in html
