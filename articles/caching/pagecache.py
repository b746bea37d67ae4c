"""Whole-page cache for anonymous readers, in the shared cache (Redis, or the file cache all local workers share).

A hit is answered by this middleware, before sessions, authentication, URL resolution and templates. Views opt in
with ``cacheable(response, deps)``, naming the stamps it depends on (``article:12``, ``list:all``: which change stamps
which is ``articles.caching.freshness``'s business).

Why a stored page can never be served after an edit that returned (by construction, not by ordering):

* every dependency has a **stamp**: the wall-clock time (ns) of its last change, written by ``invalidate`` after the
  change commits and before the edit returns to its editor;
* an entry records the time its request **started**, before the view read anything;
* an entry is served only if every dependency's stamp exists and is older than that start (less a margin for clock
  skew between hosts). A change committed after the page's data was read is stamped later than the page's start, so
  the entry is dead; a **missing** stamp (evicted, flushed, never written) means miss, never hit. There is no shared
  counter whose loss could make old stamps look new.

``invalidate`` retries until the cache answers (up to ``PAGE_CACHE_INVALIDATION_DEADLINE``): while Redis is stalled an
edit waits, readers get live pages (their cache reads fail fast), and the edit returns only once its stamps are written.

Editors, previews, drafts, POSTs and any request carrying a session cookie never touch it. Query parameters that no
public page reads do not make new entries.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

# v4: pages depend on one stamp each (an entry of v3 named stamps that are no longer written, so never read one)
PAGE_PREFIX = "pagecache:page:v4:"
DEP_PREFIX = "pagecache:stamp:"
# The query parameters public pages read (pagination, search, the sitemap's page); all others are ignored.
USED_PARAMS = ("page", "q", "p")
# Every header the response had is replayed (security headers included) except these.
NOT_STORED = {"set-cookie", "date", "server", "content-length", "etag", "last-modified", "x-page-cache"}
CONDITIONAL = frozenset({"HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE"})
# After a failed read, this process's readers skip the cache for a moment (served live: correct, just slower).
READ_BACKOFF_SECONDS = 2.0

logger = logging.getLogger(__name__)
_reads_resume_at = 0.0
# Which dependencies each page had when this process last stored or served it (page key -> deps): lets a hit ask for
# the entry and its stamps together. A hint only: the entry's own list decides (see _lookup).
_deps_hint: dict[str, tuple[str, ...]] = {}
HINTS_KEPT = 20_000


def _remember(key: str, deps) -> None:
    if len(_deps_hint) >= HINTS_KEPT:
        _deps_hint.clear()
    _deps_hint[key] = tuple(deps)


class _Copies:
    """This process's copies of entries it stored or read, most recently used kept, up to
    ``PAGE_CACHE_LOCAL_BYTES``. Bytes only: whether a copy may be served is decided on every request by the shared
    stamps, exactly as for the shared entry (``_lookup``), so a copy is never served after its page changed; a hit on
    a copy asks the shared cache for a few bytes of stamps instead of the whole page."""

    def __init__(self) -> None:
        self.entries: OrderedDict[str, dict] = OrderedDict()
        self.size = 0

    def get(self, key: str) -> dict | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        if entry["expires"] <= time.time():
            self.drop(key)
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: dict) -> None:
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        size = len(entry["content"])
        if size > limit // 4 or "expires" not in entry:
            return
        self.drop(key)
        self.entries[key] = entry
        self.size += size
        while self.size > limit:
            _key, oldest = self.entries.popitem(last=False)
            self.size -= len(oldest["content"])

    def drop(self, key: str) -> None:
        entry = self.entries.pop(key, None)
        if entry is not None:
            self.size -= len(entry["content"])

    def clear(self) -> None:
        self.entries.clear()
        self.size = 0


_copies = _Copies()


def cacheable(response: HttpResponse, deps: Iterable[str]) -> HttpResponse:
    """Mark a public page as cacheable for anonymous readers, depending on ``deps``."""
    response.page_cache_deps = sorted(set(deps))
    return response


def _stamps(deps) -> dict:
    """The stamps of ``deps`` as found (a missing one left out): the shared read on every hit. Our backends read them
    without unpickling anything (``newsroom.cache``: ``get_many_ints``); any other backend through ``get_many``."""
    keys = [DEP_PREFIX + dep for dep in deps]
    read = getattr(cache, "get_many_ints", None)
    return read(keys) if read is not None else cache.get_many(keys)


def _margin_ns() -> int:
    return int(settings.PAGE_CACHE_CLOCK_SKEW * 1e9)


def invalidate(deps: Iterable[str]) -> None:
    """Stamp ``deps`` as changed now, so every stored page showing any of them is dead, on every worker and host.

    Call it after the change committed. Retries until the cache answers or the deadline passes (logged as an error:
    pages may then be served from before the change until the cache's copy expires)."""
    deps = sorted(set(deps))
    if not deps:
        return
    deadline = time.monotonic() + settings.PAGE_CACHE_INVALIDATION_DEADLINE
    delay = 0.05
    while True:
        try:
            stamp = time.time_ns()
            cache.set_many({DEP_PREFIX + dep: stamp for dep in deps}, timeout=None)
            return
        except Exception as exc:  # noqa: BLE001 - any backend's connection error
            if time.monotonic() + delay > deadline:
                logger.error("Page cache unreachable; %d dependencies not invalidated: %s", len(deps), exc)
                return
            logger.warning("Page cache unreachable; retrying invalidation of %d dependencies: %s", len(deps), exc)
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def _find(request: HttpRequest) -> tuple[str | None, dict | None]:
    """The cache key and the fresh entry for ``request``: ``(key, entry)`` on a hit, ``(key, None)`` on a miss (the
    response may be stored), ``(None, None)`` when the cache must not be used (not eligible, or unreachable: then
    this process's readers skip it for ``READ_BACKOFF_SECONDS``)."""
    global _reads_resume_at
    if not PageCacheMiddleware._eligible(request) or time.monotonic() < _reads_resume_at:
        return None, None
    key = PageCacheMiddleware._key(request)
    try:
        entry = PageCacheMiddleware._lookup(key)
    except Exception as exc:  # noqa: BLE001 - any backend's connection error: serve live
        _reads_resume_at = time.monotonic() + READ_BACKOFF_SECONDS
        logger.warning("Page cache unavailable; serving %s live: %s", request.path, exc)
        return None, None
    return key, entry


class PageCacheApplication:
    """The WSGI application gunicorn serves (``newsroom.wsgi``): a hit is answered here, before Django makes a
    response object, sends its request signals or runs any middleware — the same lookup as the middleware's
    (``_find``), replaying the same stored headers. Anything else (a miss, a conditional or HEAD request, a host
    Django would refuse) goes to Django, where ``PageCacheMiddleware`` stores or answers it."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        if (settings.PAGE_CACHE_SECONDS > 0 and environ.get("REQUEST_METHOD") == "GET"
                and CONDITIONAL.isdisjoint(environ)):
            try:
                _key, entry = _find(WSGIRequest(dict(environ)))  # a copy: WSGIRequest writes to it
            except Exception:  # noqa: BLE001 - a request Django will refuse (a disallowed host): let it answer
                entry = None
            if entry is not None:
                content = entry["content"]
                start_response("200 OK", [*(pair for _name, pair in entry["headers"]),
                                          ("Content-Length", str(len(content))), ("X-Page-Cache", "hit")])
                return [content]
        return self.application(environ, start_response)


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        global _reads_resume_at
        started = time.time_ns()  # before the view reads anything: see the module docstring
        key, entry = _find(request)
        if entry is not None:
            return self._replay(request, entry)
        if key is None:
            return self.get_response(request)
        response = self.get_response(request)
        if self._storable(response):
            try:
                entry = self._store(key, response, started)
            except Exception as exc:  # noqa: BLE001 - as above: the page is still good, just not stored
                _reads_resume_at = time.monotonic() + READ_BACKOFF_SECONDS
                logger.warning("Page cache unavailable; could not store %s: %s", request.path, exc)
                return response
            if entry is not None:
                return self._replay(request, entry, miss=True)
            response["X-Page-Cache"] = "miss"
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
        # Most requests have no query string: then no QueryDict is parsed for the key.
        used = (sorted((name, value) for name in USED_PARAMS for value in request.GET.getlist(name))
                if request.META.get("QUERY_STRING") else [])
        raw = "|".join([settings.PAGE_CACHE_VERSION, request.scheme, request.get_host(), request.path,
                        urlencode(used)])
        return PAGE_PREFIX + hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

    # --- storing and replaying -----------------------------------------------------------
    @staticmethod
    def _lookup(key: str) -> dict | None:
        """The entry stored under ``key`` if it may be served now (``_fresh``), else None.

        When this process holds a copy of the entry (``_copies``), only the stamps are asked for: the copy is served
        under exactly the rule the shared entry is (its own request start against the shared stamps), so it is dead
        the moment the shared one is. Otherwise the shared entry, in one round trip when this process has seen the
        page before (its dependencies then are asked for beside the entry, used only if the entry still names
        exactly those: a hint that saves a round trip, never a source of truth)."""
        copy = _copies.get(key)
        if copy is not None:
            if PageCacheMiddleware._fresh(copy, _stamps(copy["deps"])):
                return copy
            _copies.drop(key)  # dead here: another process may have stored a newer page
        hint = _deps_hint.get(key)
        if hint is None:
            entry = cache.get(key)
            if entry is None:
                return None
            found = cache.get_many([DEP_PREFIX + dep for dep in entry["deps"]])
        else:
            found = cache.get_many([key, *(DEP_PREFIX + dep for dep in hint)])
            entry = found.pop(key, None)
            if entry is None:
                return None
            if tuple(entry["deps"]) != hint:
                found = cache.get_many([DEP_PREFIX + dep for dep in entry["deps"]])
        _remember(key, entry["deps"])
        if not PageCacheMiddleware._fresh(entry, found):
            return None
        _copies.put(key, entry)
        return entry

    @staticmethod
    def _fresh(entry: dict, stamps: dict) -> bool:
        """Served only if every dependency's stamp exists and is older than the entry's request (module docstring)."""
        deps = entry["deps"]
        if not deps:
            return True
        newest_allowed = entry["started"] - _margin_ns()
        return (all(DEP_PREFIX + dep in stamps for dep in deps)
                and all(stamps[DEP_PREFIX + dep] < newest_allowed for dep in deps))

    @staticmethod
    def _store(key: str, response: HttpResponse, started: int) -> dict | None:
        deps = response.page_cache_deps
        if deps:
            stamps = cache.get_many([DEP_PREFIX + dep for dep in deps])
            missing = [dep for dep in deps if DEP_PREFIX + dep not in stamps]
            for dep in missing:  # first sight (or evicted): stamped now, so this page (started earlier) is not kept
                cache.add(DEP_PREFIX + dep, time.time_ns(), timeout=None)
            if missing or any(stamp >= started - _margin_ns() for stamp in stamps.values()):
                return None  # changed while this page was being made: it would never be served
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
            "deps": deps,
            "started": started,
            "expires": time.time() + settings.PAGE_CACHE_SECONDS,  # as the shared copy's timeout, for local copies
        }
        cache.set(key, entry, timeout=settings.PAGE_CACHE_SECONDS)
        _remember(key, deps)
        _copies.put(key, entry)
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
