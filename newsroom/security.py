"""Production hardening: security headers, safe media serving, admin login throttling, and
turning a locked SQLite database into a retryable 503 instead of a 500.

The header middleware sits inside ``PageCacheMiddleware``, so the headers it adds are stored with a
cached page and replayed on every hit (see ``articles.pagecache``).
"""

from __future__ import annotations

import hashlib
import logging
import mimetypes
import posixpath
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers
from django.views.static import serve

from newsroom import ratelimit

logger = logging.getLogger(__name__)

# Uploaded files a browser may render inline: raster images only. SVG can carry script, and HTML or
# anything unknown must never be rendered from our origin, so those are sent as downloads.
INLINE_MEDIA_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"}
# Media is data, never a document: even an image opened directly gets no script, forms or plugins.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def content_security_policy() -> str:
    """The site-wide policy: only our own scripts, no inline script, no plugins, no framing."""
    return "; ".join(settings.CONTENT_SECURITY_POLICY)


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that lacks them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy()
        self.permissions = settings.PERMISSIONS_POLICY

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        # setdefault: a view with a stricter policy of its own (media) keeps it.
        if self.csp:
            response.headers.setdefault("Content-Security-Policy", self.csp)
        if self.permissions:
            response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


class DatabaseBusyMiddleware:
    """A write that waited out the busy timeout answers 503 + Retry-After, so clients and load
    balancers retry later instead of recording a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not (isinstance(exception, OperationalError) and "database is locked" in str(exception)):
            return None
        logger.warning("Database busy on %s %s: answering 503", request.method, request.path)
        response = HttpResponse("資料庫忙碌中，請稍後再試。\n", status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(settings.DATABASE_BUSY_RETRY_AFTER)
        add_never_cache_headers(response)
        return response


def serve_media(request: HttpRequest, path: str, document_root: str | Path | None = None) -> HttpResponseBase:
    """``django.views.static.serve`` for MEDIA_ROOT, but nothing uploaded is ever rendered as a page."""
    response = serve(request, path, document_root=document_root or settings.MEDIA_ROOT)
    guessed, _ = mimetypes.guess_type(posixpath.basename(path))
    if guessed not in INLINE_MEDIA_TYPES:
        # An .html, .svg or unknown file: a download of opaque bytes, whatever its name claims.
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    return response


# --- admin login throttling ------------------------------------------------------------

def login_username_key(username: str) -> str:
    """The account a login attempt is for, as the throttle counts it: the same name whatever the form typed.

    Django's login form normalises the username with NFKC before looking the user up (``UsernameField``, as
    ``AbstractBaseUser.normalize_username`` does), so ``ｅｄｉｔｏｒ`` (full-width) logs in as ``editor``; case is
    folded too, so ``Editor`` and ``EDITOR`` count as one. Counted under any other spelling, each variant would
    start a fresh counter. Hashed: usernames are user input of any length, and cache keys must stay short and safe.
    """
    name = AbstractBaseUser.normalize_username(username.strip()).casefold()
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _login_keys(request: HttpRequest) -> tuple[str, str, str]:
    ip = ratelimit.client_ip(request)
    account = login_username_key(request.POST.get("username", ""))
    return f"admin-login:{ip}:{account}", f"admin-login-ip:{ip}", f"admin-login-account:{account}"


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponseBase:
    """The admin's login view, refusing with 429 after too many failures per address and username, per address
    whatever the username (one place trying many accounts), and per account whatever the address (many places
    trying one account)."""
    if request.method != "POST":
        return admin.site.login(request, extra_context)
    keys = _login_keys(request)
    _, window = settings.ADMIN_LOGIN_RATE_LIMIT
    limits = (settings.ADMIN_LOGIN_RATE_LIMIT[0], settings.ADMIN_LOGIN_IP_RATE_LIMIT,
              settings.ADMIN_LOGIN_ACCOUNT_RATE_LIMIT)
    if any(ratelimit.hits(key, window=window) >= limit for key, limit in zip(keys, limits, strict=True)):
        return _too_many_attempts(window)
    response = admin.site.login(request, extra_context)
    # The admin redirects on success and re-renders the form (200) on a wrong password.
    if response.status_code == 200 and not request.user.is_authenticated:
        for key, limit in zip(keys, limits, strict=True):
            ratelimit.allow(key, limit=limit, window=window)
    return response


def _too_many_attempts(window: int) -> HttpResponse:
    minutes = max(1, window // 60)
    response = HttpResponse(
        f"登入失敗次數過多，請在 {minutes} 分鐘後再試。\n", status=429, content_type="text/plain; charset=utf-8"
    )
    response["Retry-After"] = str(window)
    add_never_cache_headers(response)
    return response
