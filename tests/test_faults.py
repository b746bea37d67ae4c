"""Faults: a database too busy to write answers 503 + Retry-After; a cache that is down slows the site but
never stops it (rate limits fail open, the page cache turns into misses)."""

import sqlite3

import pytest
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from articles import services
from articles.models import Article, ShareCount
from newsroom.security import DatabaseBusyMiddleware
from tests.factories import ArticleFactory, SourceFactory, UserFactory

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


def share_url(article: Article) -> str:
    return reverse("articles:share", kwargs={"pk": article.pk})


# --- a locked SQLite database ---------------------------------------------------------------

@pytest.fixture
def short_busy_timeout():
    """Wait 200 ms for the write lock instead of the production 20 s (this thread's connection only)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's write lock; PostgreSQL takes row locks instead")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA busy_timeout = 200")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")


@pytest.mark.django_db(transaction=True)  # the other connection must see committed rows, and no test transaction
def test_a_write_blocked_past_the_busy_timeout_answers_503_with_retry_after(short_busy_timeout, settings):
    settings.DATABASE_BUSY_RETRY_AFTER = 7
    article = services.article_publish(article=ArticleFactory(source=None))
    client = Client()
    # Another process (a cron job, a second worker) holds the write lock longer than we are willing to wait.
    blocker = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        response = client.post(share_url(article), {"network": "line"}, **ORIGIN)
        page = client.get(article.get_absolute_url())  # readers are not blocked by a writer (WAL)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert "資料庫忙碌中" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    assert page.status_code == 200
    assert not ShareCount.objects.exists()
    # Once the lock is released the same request goes through.
    assert client.post(share_url(article), {"network": "line"}, **ORIGIN).status_code == 200
    assert ShareCount.objects.get().count == 1


def test_other_database_errors_are_not_disguised_as_busy():
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post("/")
    assert middleware.process_exception(request, OperationalError("no such table: articles_article")) is None
    assert middleware.process_exception(request, ValueError("database is locked")) is None
    assert middleware.process_exception(request, OperationalError("database is locked")).status_code == 503


# --- the cache is down ----------------------------------------------------------------------

@pytest.fixture
def cache_down(settings):
    """A Redis cache on a loopback port nobody listens on: every cache call fails fast."""
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedRedisCache",  # production's backend
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.PAGE_CACHE_SECONDS = 300
    from django.core.cache import cache

    with pytest.raises(Exception):  # noqa: B017 - the point: it really is down
        cache.get("anything")
    yield


@pytest.fixture
def site(db):
    article = services.article_publish(article=ArticleFactory(title="快取故障測試", source=None, tags=["故障"]))
    source = SourceFactory(slug="fault-source")
    return article, source


def test_public_pages_are_served_uncached_while_the_cache_is_down(client, site, cache_down):
    article, source = site
    for path in ("/", "/zh-hans/", article.get_absolute_url(), "/tags/故障/", "/search/?q=快取",
                 reverse("articles:source", args=[source.slug]), "/feed/", "/sitemap.xml", "/healthz"):
        for _ in range(2):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "X-Page-Cache" not in response, path
    assert "快取故障測試" in client.get(article.get_absolute_url()).content.decode()


def test_share_rate_limit_fails_open_while_the_cache_is_down(client, site, cache_down, settings, caplog):
    article, _ = site
    settings.SHARE_RATE_LIMIT = (1, 60)
    statuses = [client.post(share_url(article), {"network": "x"}, **ORIGIN).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]  # fail open: counted, not limited
    article.refresh_from_db()
    assert article.share_total == 3
    assert "Rate limit cache unavailable" in caplog.text


def test_editors_can_log_in_and_publish_while_the_cache_is_down(site, cache_down, django_capture_on_commit_callbacks):
    UserFactory(username="chief", is_superuser=True)
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "chief", "password": "correct horse battery staple"})
    assert response.status_code == 302
    draft = ArticleFactory(title="故障時發布", source=None)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=draft)  # page invalidation fails softly, the publish stands
    assert Article.objects.published().filter(pk=draft.pk).exists()
    assert "故障時發布" in Client().get("/").content.decode()


# --- PostgreSQL connections terminated mid-run ---------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_terminated_postgresql_connection_is_replaced_and_nothing_is_half_written():
    if connection.vendor != "postgresql":
        pytest.skip("terminating a backend is a PostgreSQL fault")
    import psycopg

    article = services.article_publish(article=ArticleFactory(source=None))
    client = Client()
    assert client.post(share_url(article), {"network": "line"}, **ORIGIN).status_code == 200

    def terminate_our_backend() -> None:
        settings_dict = connection.settings_dict
        pid = connection.connection.info.backend_pid
        with psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432,
                             user=settings_dict["USER"], dbname=settings_dict["NAME"], autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])

    # Killed between requests: at the next request's start the health check notices and reconnects.
    # (The WSGI handler runs close_old_connections on request_started; Django's test client unhooks it
    # so tests keep their connection, so it is called here the way a real request would.)
    from django.db import close_old_connections

    terminate_our_backend()
    close_old_connections()
    assert client.post(share_url(article), {"network": "line"}, **ORIGIN).status_code == 200
    assert client.get("/healthz").status_code == 200

    # Killed in the middle of a write: the transaction is lost whole, never half of it.
    from django.db import transaction

    with pytest.raises(OperationalError), transaction.atomic():
        ShareCount.objects.filter(article=article).update(count=999)
        terminate_our_backend()
        Article.objects.filter(pk=article.pk).update(share_total=999)
    close_old_connections()
    article.refresh_from_db()
    assert article.share_total == 2
    assert sum(ShareCount.objects.filter(article=article).values_list("count", flat=True)) == 2
    assert client.post(share_url(article), {"network": "x"}, **ORIGIN).json()["total"] == 3
    connection.close()
