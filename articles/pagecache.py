"""Whole-page cache for anonymous readers, in the shared cache (Redis in production).

A hit is answered by this middleware, which sits before sessions, authentication, URL
resolution and templates. Views opt in with ``cacheable(response, deps)``, naming what the page
shows (``article:12``, ``tag:3``, ``source:5``, ``list:home``). Invalidation is precise: when an
article changes, the handler stamps the dependencies it touches with a new value of a shared
counter; a stored page is valid only while every one of its dependencies is older than the page.
The counter lives in the cache too, so every worker and host agrees without clocks.

Editors, previews, drafts, POSTs and any request carrying a session cookie never touch it.

A cache outage is treated as a miss: pages are rendered from the database and served (uncached), and a
warning is logged, so the site degrades to slower instead of down.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from articles.events import ArticleChange

CLOCK_KEY = "pagecache:clock"
PAGE_PREFIX = "pagecache:page:v2:"
DEP_PREFIX = "pagecache:dep:"
# Every header the response had is replayed (security headers included) except these.
NOT_STORED = {"set-cookie", "date", "server", "content-length", "etag", "last-modified", "x-page-cache"}

CONDITIONAL = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"})

logger = logging.getLogger(__name__)


def cacheable(response: HttpResponse, deps: Iterable[str]) -> HttpResponse:
    """Mark a public page as cacheable for anonymous readers, depending on ``deps``."""
    response.page_cache_deps = sorted(set(deps))
    return response


def _clock() -> int:
    return int(cache.get(CLOCK_KEY) or 0)


def invalidate(deps: Iterable[str]) -> None:
    """Make every stored page that depends on any of ``deps`` stale, on every worker."""
    deps = list(deps)
    if not deps:
        return
    try:
        cache.add(CLOCK_KEY, 0, timeout=None)
        try:
            stamp = cache.incr(CLOCK_KEY)
        except ValueError:  # evicted between add and incr
            cache.add(CLOCK_KEY, 1, timeout=None)
            stamp = 1
        cache.set_many({DEP_PREFIX + dep: stamp for dep in deps}, timeout=None)
    except Exception as exc:  # noqa: BLE001 - a cache that is down holds no pages to invalidate; the save stands
        logger.warning("Page cache unavailable; could not invalidate %d dependencies: %s", len(deps), exc)


def article_deps(changes: list[ArticleChange]) -> set[str]:
    """The pages an article change can alter: its own, home, its tag and source pages (before and after)."""
    from articles.models import Article, TaggedArticle

    ids = [change.article_id for change in changes]
    deps = {"list:home"}
    for change in changes:
        deps.add(f"article:{change.article_id}")
        deps.update(f"tag:{tag_id}" for tag_id in change.old_tag_ids)
        deps.update(f"source:{source_id}" for source_id in change.old_source_ids)
    deps.update(f"tag:{tag_id}" for tag_id in TaggedArticle.objects.filter(content_object_id__in=ids)
                .values_list("tag_id", flat=True))
    deps.update(f"source:{source_id}" for source_id in Article.objects.filter(pk__in=ids, source__isnull=False)
                .values_list("source_id", flat=True))
    return deps


def on_article_changed(changes: list[ArticleChange]) -> None:
    """After-commit handler (see ``articles.events``)."""
    invalidate(article_deps(changes))


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if not self._eligible(request):
            return self.get_response(request)
        key = self._key(request)
        try:
            entry = cache.get(key)
            if entry is not None and self._fresh(entry):
                return self._replay(request, entry)
            started = _clock()
        except Exception as exc:  # noqa: BLE001 - any backend's connection error: serve uncached (module docstring)
            logger.warning("Page cache unavailable; serving %s uncached: %s", request.path, exc)
            return self.get_response(request)
        response = self.get_response(request)
        if self._storable(response):
            try:
                entry = self._store(key, response, started)
            except Exception as exc:  # noqa: BLE001 - as above: the page is still good, just not stored
                logger.warning("Page cache unavailable; could not store %s: %s", request.path, exc)
                return response
            return self._replay(request, entry, miss=True)
        return response

    # --- which requests and responses --------------------------------------------------
    @staticmethod
    def _eligible(request: HttpRequest) -> bool:
        return (
            settings.PAGE_CACHE_SECONDS > 0
            and request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and "HTTP_AUTHORIZATION" not in request.META
            and not request.path_info.startswith(("/admin/", settings.STATIC_URL if settings.STATIC_URL.startswith("/")
                                                   else "/" + settings.STATIC_URL))
        )

    @staticmethod
    def _storable(response: HttpResponseBase) -> bool:
        if getattr(response, "page_cache_deps", None) is None or response.status_code != 200:
            return False
        if response.streaming or response.cookies:
            return False
        control = response.get("Cache-Control", "")
        return not any(word in control for word in ("private", "no-cache", "no-store"))

    @staticmethod
    def _key(request: HttpRequest) -> str:
        raw = "|".join([settings.PAGE_CACHE_VERSION, request.scheme, request.get_host(), request.get_full_path()])
        return PAGE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

    # --- storing and replaying -----------------------------------------------------------
    @staticmethod
    def _fresh(entry: dict) -> bool:
        if not entry["deps"]:
            return True
        stamps = cache.get_many([DEP_PREFIX + dep for dep in entry["deps"]])
        return all(stamp <= entry["stamp"] for stamp in stamps.values())

    @staticmethod
    def _store(key: str, response: HttpResponse, started: int) -> dict:
        # The URL alone chooses the script variant, so readers' Accept-Language must not split caches.
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        vary = [v for v in vary if v.lower() != "accept-language"]
        if vary:
            response["Vary"] = ", ".join(vary)
        elif response.has_header("Vary"):
            del response["Vary"]
        etag = f'"{hashlib.md5(response.content, usedforsecurity=False).hexdigest()}"'
        last_modified = int(time.time())
        headers = [(name, value) for name, value in response.items() if name.lower() not in NOT_STORED]
        headers += [("ETag", etag), ("Last-Modified", http_date(last_modified))]
        entry = {
            "content": response.content,
            # (lowercased name, (name, value)), as HttpResponse keeps them: these were checked when the view set
            # them, so a hit copies them in instead of validating a dozen headers again on every request.
            "headers": [(name.lower(), (name, value)) for name, value in headers],
            "etag": etag,
            "last_modified": last_modified,
            "deps": response.page_cache_deps,
            "stamp": started,
        }
        cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        return entry

    @staticmethod
    def _replay(request: HttpRequest, entry: dict, miss: bool = False) -> HttpResponseBase:
        response = HttpResponse(entry["content"])
        response.headers._store.update(entry["headers"])  # see _store; the hit path is this middleware's reason
        response["X-Page-Cache"] = "miss" if miss else "hit"
        if not CONDITIONAL.isdisjoint(request.META):
            return get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["last_modified"], response=response
            )
        return response

