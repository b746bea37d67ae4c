"""The page cache: hits cost no queries; a change drops the pages that showed it (its article pages, the articles
that show it, and every list), and no other article page."""

import time

import pytest
from django.urls import reverse

from articles import services
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def state(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    time.sleep(0.01)  # stamps are compared with the clock: a page started in the same instant as a stamp is not kept
    return response["X-Page-Cache"]


def warm(client, url) -> None:
    """A first sight stamps what the page shows, the next request stores it, the third is a hit."""
    for _ in range(2):
        state(client, url)


@pytest.fixture
def site(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.article_publish(article=ArticleFactory(
            title="第一篇", source=SourceFactory(name="甲來源"), tags=["甲標籤"]))
        second = services.article_publish(article=ArticleFactory(
            title="第二篇", source=SourceFactory(name="乙來源"), tags=["乙標籤"]))
    return first, second


def pages_of(article) -> list[str]:
    tag = article.tags.get()
    paths = [article.get_absolute_url(), tag.get_absolute_url(), article.source.get_absolute_url()]
    return paths + ["/zh-hans" + path for path in paths]


def test_a_second_anonymous_view_is_a_hit_without_queries(client, site, django_assert_num_queries):
    url = site[0].get_absolute_url()
    assert state(client, url) == "miss"
    state(client, url)
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response["X-Page-Cache"] == "hit"
    assert "第一篇" in response.content.decode()
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    assert "Accept-Language" not in response.get("Vary", "")


@pytest.mark.parametrize("change", ["edit", "unpublish", "retag"])
def test_a_change_drops_exactly_the_pages_that_showed_the_article(client, site, change,
                                                                 django_capture_on_commit_callbacks):
    first, second = site
    home = ["/", "/zh-hans/"]
    first_pages, second_pages = pages_of(first), pages_of(second)
    for url in home + first_pages + second_pages:
        warm(client, url)
    for url in home + first_pages + second_pages:
        assert state(client, url) == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        if change == "edit":
            first.title = "第一篇（更新）"
            services.article_save(article=first)
        elif change == "unpublish":
            services.article_unpublish(article=first)
        else:
            services.article_set_tags(article=first, names=["丙標籤"])

    for url in second_pages:  # the other article's own pages stay cached; every list is made again
        assert state(client, url) == ("hit" if "/articles/" in url else "miss"), url
    home_html = client.get("/").content.decode()
    if change == "edit":
        for url in first_pages:
            assert state(client, url) == "miss", url
        assert "第一篇（更新）" in home_html
    elif change == "unpublish":
        assert client.get(first.get_absolute_url()).status_code == 404
        assert "第一篇" not in home_html
        assert "第一篇" not in client.get(first_pages[1]).content.decode()  # its old tag page
    else:
        assert "第一篇" not in client.get(first_pages[1]).content.decode()  # old tag page refreshed
        assert "第一篇" in client.get(reverse("articles:tag", kwargs={"slug": "丙標籤"})).content.decode()


def test_scheduled_publishing_drops_the_pages(client, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    article = ArticleFactory(status="scheduled", publish_at=timezone.now() + datetime.timedelta(days=1))
    assert "排程文章" not in client.get("/").content.decode()
    article.publish_at = timezone.now() - datetime.timedelta(seconds=1)
    article.title = "排程文章"
    with django_capture_on_commit_callbacks(execute=True):
        article.save()  # its time came (no write through a service) ...
        services.articles_publish_scheduled()  # ... and cron flips it
    assert "排程文章" in client.get("/").content.decode()


def test_editors_and_previews_are_never_cached(editor_client, client, site):
    url = site[0].get_absolute_url()
    response = editor_client.get(url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert state(client, url) == "miss"  # the editor's view did not fill the cache
    preview = reverse("admin:articles_article_preview", args=[site[0].pk])
    response = editor_client.get(preview)
    assert "X-Page-Cache" not in response and "no-cache" in response["Cache-Control"]


def test_posts_and_redirects_are_not_cached(client, site):
    short = reverse("articles:detail_short", kwargs={"pk": site[0].pk})
    assert client.get(short).status_code == 301
    assert "X-Page-Cache" not in client.get(short)


def test_conditional_gets_answer_304(client, site):
    url = site[0].get_absolute_url()
    warm(client, url)
    first = client.get(url)
    etag, modified = first["ETag"], first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert not_modified.content == b"" and not_modified["ETag"] == etag


def test_each_variant_and_query_string_is_its_own_page(client, site):
    assert "第一篇" in client.get("/").content.decode()
    assert 'lang="zh-Hans"' in client.get("/zh-hans/").content.decode()
    assert 'lang="zh-Hant-TW"' in client.get("/").content.decode()
    assert state(client, "/?page=2") == "miss"


def test_a_hit_carries_the_same_security_headers_as_a_miss(client, site):
    url = site[0].get_absolute_url()
    miss = client.get(url)
    warm(client, url)
    hit = client.get(url)
    assert (miss["X-Page-Cache"], hit["X-Page-Cache"]) == ("miss", "hit")
    for header in ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "Content-Type", "Cache-Control"):
        assert hit[header] == miss[header], header
    assert "Set-Cookie" not in hit


def test_static_files_bypass_the_page_cache(client):
    response = client.get("/static/css/site.css")
    assert "X-Page-Cache" not in response


def test_feeds_are_dropped_when_an_article_changes(client, site, django_capture_on_commit_callbacks):
    first, second = site
    feed = reverse("articles:tag_feed", kwargs={"slug": first.tags.get().slug})
    other = reverse("articles:tag_feed", kwargs={"slug": second.tags.get().slug})
    for url in (feed, other):
        warm(client, url)
        assert state(client, url) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        first.title = "第一篇（改寫）"
        services.article_save(article=first)
    assert state(client, feed) == "miss"
    assert "第一篇（改寫）" in client.get(feed).content.decode()
    assert state(client, other) == "miss"  # every list depends on list:all


# --- in front of Django: gunicorn's application (newsroom.wsgi) ---------------------------------------


def _wsgi(path: str, **headers):
    """Call gunicorn's application as gunicorn does; return (status, headers, body)."""
    import io
    import sys
    from urllib.parse import unquote

    from django.core import signals
    from django.db import close_old_connections

    from newsroom.wsgi import application

    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": unquote(path).encode().decode("latin-1"), "QUERY_STRING": "",
               "SERVER_NAME": "testserver", "SERVER_PORT": "80", "HTTP_HOST": "testserver",
               "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(), "wsgi.errors": sys.stderr,
               "SERVER_PROTOCOL": "HTTP/1.1", **headers}
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(response_headers)

    # As Django's test client: the test's database connection must survive the request.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(application(environ, start_response))
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return answer["status"], answer["headers"], body


def test_gunicorns_application_answers_a_hit_like_django_without_queries(client, site, django_assert_num_queries):
    url = site[0].get_absolute_url()
    warm(client, url)
    served = client.get(url)
    assert served["X-Page-Cache"] == "hit"
    with django_assert_num_queries(0):
        status, headers, body = _wsgi(url)
    assert status == "200 OK" and headers["X-Page-Cache"] == "hit"
    assert body == served.content and headers["Content-Length"] == str(len(body))
    for name in ("Content-Type", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "ETag"):
        assert headers[name] == served[name], name


def test_gunicorns_application_sends_to_django_what_the_cache_must_not_answer(client, site,
                                                                              django_capture_on_commit_callbacks):
    first, _second = site
    url = first.get_absolute_url()
    warm(client, url)
    status, headers, _ = _wsgi(url, HTTP_COOKIE="sessionid=abc")  # a signed-in editor: never the cache
    assert status == "200 OK" and "X-Page-Cache" not in headers
    status, headers, _ = _wsgi(url, HTTP_HOST="evil.example")  # a host Django refuses: Django answers
    assert status.startswith("400")
    status, headers, _ = _wsgi(url, HTTP_IF_NONE_MATCH=client.get(url)["ETag"])  # conditional: Django answers 304
    assert status.startswith("304")
    with django_capture_on_commit_callbacks(execute=True):
        first.title = "第一篇改了標題"
        services.article_save(article=first)
    status, headers, body = _wsgi(url)  # after an edit: not the old page
    assert headers["X-Page-Cache"] == "miss" and "第一篇改了標題".encode() in body
