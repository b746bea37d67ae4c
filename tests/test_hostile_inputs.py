"""Hostile input: every request below is answered with a clear 4xx (or a sensible page), never a 500,
and writes nothing. These are the hand-picked cases; tests/fuzz/ drives every entry point with generated ones."""

import pytest
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, ShareCount
from tests.factories import ArticleFactory, SourceFactory, UserFactory

PASSWORD = "correct horse battery staple"
ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def article(db):
    return services.article_publish(article=ArticleFactory(title="公開文章", source=None, tags=["測試"]))


# --- query strings and page numbers -------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/search/", "/tags/測試/", "/feed/"])
def test_a_16kb_query_string_is_answered_normally(client, article, path):
    response = client.get(path, {"q": "比" * 8000, "page": "9" * 8000, "junk": "x" * 16_000})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "page",
    ["abc", "-1", "0", "1.5", "1e9", "１", "%00", "NaN", "", "\x00",
     pytest.param("9" * 5000, id="5000-digits")],  # past Python's int() digit limit: not a number at all
)
def test_bad_page_numbers_give_the_first_page(client, article, page):
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert "公開文章" in response.content.decode()


@pytest.mark.parametrize("page", ["101", "99999999999999999999999", pytest.param("9" * 4000, id="4000-digits")])
def test_huge_page_numbers_are_capped_not_an_error(client, article, page):
    response = client.get("/", {"page": page})
    assert response.status_code == 200
    assert "公開文章" not in response.content.decode()  # the last allowed page, past the only article


# --- paths ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "path",
    ["/static/..%2f..%2fetc/passwd", "/static/..%2F..%2F..%2Fetc%2Fpasswd", "/static/%2e%2e/%2e%2e/etc/passwd",
     "/media/..%2f..%2fetc/passwd", "/media/..%2F..%2F..%2F..%2Fetc%2Fpasswd", "/media/%2e%2e/%2e%2e/etc/passwd",
     "/media//etc/passwd", "/media/....//....//etc/passwd", "/media/%00"],
)
def test_percent_encoded_traversal_never_leaves_the_folder(client, db, path):
    response = client.get(path)
    assert response.status_code in (400, 404)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"root:" not in body


@pytest.mark.parametrize("host", ["evil.example", "testserver.evil.example", "localhost:abc", "[bad", "a" * 300])
def test_unknown_host_headers_are_refused(client, article, host):
    assert client.get("/", HTTP_HOST=host).status_code == 400
    assert client.get(article.get_absolute_url(), HTTP_HOST=host).status_code == 400


# --- admin: CSRF and redirects ------------------------------------------------------------

def test_admin_posts_without_a_csrf_token_are_refused(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    before = Article.objects.count()
    response = client.post(reverse("admin:articles_article_add"), {"title": "偽造的文章", "status": "draft"})
    assert response.status_code == 403
    assert Article.objects.count() == before
    anonymous = Client(enforce_csrf_checks=True)
    assert anonymous.post(reverse("admin:login"), {"username": "editor", "password": PASSWORD}).status_code == 403
    assert "_auth_user_id" not in anonymous.session


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "https:evil.example", "\\\\evil.example",
     "http://testserver.evil.example/", "javascript:alert(1)", " https://evil.example"],
)
def test_admin_login_never_redirects_off_site(db, target):
    UserFactory(username="chief", is_superuser=True)
    client = Client()
    form = client.get(reverse("admin:login"), {"next": target})
    assert form.status_code == 200
    response = client.post(reverse("admin:login"), {"username": "chief", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "evil" not in location and "javascript" not in location


# --- the share endpoint -------------------------------------------------------------------

def share_url(article):
    return reverse("articles:share", kwargs={"pk": article.pk})


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ('{"network": "x"}', "application/json", 400),
        ("network=x", "text/plain", 400),
        ("<share network='x'/>", "application/xml", 400),
        ("network=x" + "&pad=" + "a" * 2000, "application/x-www-form-urlencoded", 400),
        ("network=" + "x" * 900, "application/x-www-form-urlencoded", 400),
        ("network=x%00", "application/x-www-form-urlencoded", 400),
        ("network=X", "application/x-www-form-urlencoded", 400),
    ],
)
def test_share_abuse_is_refused_and_nothing_counted(client, article, body, content_type, status):
    response = client.post(share_url(article), body, content_type=content_type, **ORIGIN)
    assert response.status_code == status
    assert "error" in response.json()
    assert not ShareCount.objects.exists()
    article.refresh_from_db()
    assert article.share_total == 0


def test_a_lying_or_huge_content_length_is_refused(client, article):
    for length in ("99999999999", "-1x", "1e6"):
        response = client.post(share_url(article), "network=x", content_type="application/x-www-form-urlencoded",
                               CONTENT_LENGTH=length, **ORIGIN)
        assert response.status_code == 400
    assert client.post("/articles/abc/share/", {"network": "x"}, **ORIGIN).status_code == 404
    assert client.post("/articles/99999999999999999999999/share/", {"network": "x"}, **ORIGIN).status_code == 404
    assert not ShareCount.objects.exists()


# --- a writer trying every way to publish ---------------------------------------------------

def form_data(**overrides):
    data = {
        "title": "撰稿人的草稿", "slug": "", "summary": "摘要", "body": "<p>內文</p>", "language": "zh-hant",
        "author": "撰稿人", "tags": "", "featured_image": "", "source": "", "original_source": "", "original_url": "",
        "copyright_notice": "", "guid": "", "status": "draft", "publish_at_0": "", "publish_at_1": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(db):
    return ArticleFactory(title="撰稿人的草稿", source=SourceFactory(reprint_permission="own"))


def snapshot(article: Article) -> tuple:
    article.refresh_from_db()
    return article.title, article.status, article.published_at, article.publish_at, article.updated_at


def assert_nothing_published(draft: Article, before: tuple) -> None:
    assert snapshot(draft) == before
    assert not Article.objects.published().exists()
    assert not Article.objects.filter(status__in=["published", "scheduled", "archived"]).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": "published", "title": "偷偷改的標題"},
        {"status": "scheduled", "publish_at_0": "2020-01-01", "publish_at_1": "08:00:00"},
        {"status": "archived"},
        {"status": "published", "published_at_0": "2020-01-01", "published_at_1": "08:00:00"},
    ],
)
def test_a_writer_cannot_publish_through_the_change_form(writer_client, draft, overrides):
    before = snapshot(draft)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    response = writer_client.post(url, form_data(**overrides))
    assert response.status_code == 200
    assert "只有編輯可以發布、排程或封存文章" in response.content.decode()
    assert_nothing_published(draft, before)


def test_a_writer_cannot_publish_through_the_add_form(writer_client, draft):
    before = snapshot(draft)
    response = writer_client.post(reverse("admin:articles_article_add"), form_data(status="published", title="新稿"))
    assert response.status_code == 200
    assert "只有編輯可以發布、排程或封存文章" in response.content.decode()
    assert not Article.objects.filter(title="新稿").exists()
    assert_nothing_published(draft, before)


def test_a_writer_cannot_publish_with_a_bare_status_post(writer_client, draft):
    before = snapshot(draft)
    url = reverse("admin:articles_article_change", args=[draft.pk])
    for payload in ({"status": "published"}, {"status": "published", "_save": "1"}, {"status": "published",
                                                                                    "action": "action_publish"}):
        response = writer_client.post(url, payload)
        assert response.status_code == 200  # the form, with its errors
    assert_nothing_published(draft, before)


@pytest.mark.parametrize("action", ["action_publish", "action_unpublish"])
def test_a_writer_cannot_publish_through_bulk_actions(writer_client, draft, action):
    before = snapshot(draft)
    response = writer_client.post(reverse("admin:articles_article_changelist"),
                                  {"action": action, "_selected_action": [draft.pk]}, follow=True)
    assert response.status_code == 200
    assert "只有編輯可以" in response.content.decode()
    assert_nothing_published(draft, before)


def test_the_preview_url_shows_but_never_publishes(writer_client, client, draft):
    before = snapshot(draft)
    url = reverse("admin:articles_article_preview", args=[draft.pk])
    assert writer_client.get(url).status_code == 200
    writer_client.post(url, {"status": "published"})
    assert client.get(url).status_code == 302  # readers are sent to log in
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert_nothing_published(draft, before)


def test_a_writer_cannot_reach_the_publish_service_directly(writer, draft):
    from django.core.exceptions import PermissionDenied

    before = snapshot(draft)
    for service in (services.article_publish, services.article_unpublish):
        with pytest.raises(PermissionDenied):
            service(article=draft, user=writer)
    assert_nothing_published(draft, before)
