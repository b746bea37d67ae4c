"""Fixed-window rate limits in the shared cache: Redis, or without it the file cache every local worker shares
(``newsroom.cache``); both count atomically, so several workers together admit exactly ``limit`` hits a window.

When the cache is unreachable the limits fail OPEN: readers keep sharing and editors keep logging in,
and a warning is logged. An outage must not take the site down with it; the cost is that abuse goes
uncounted until the cache is back.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def client_ip(request: HttpRequest) -> str:
    """The client's address. ``X-Forwarded-For`` is believed only when the peer is a configured proxy,
    and then only up to the first address that is not one of our proxies (the rightmost untrusted hop)."""
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = settings.TRUSTED_PROXIES
    if not trusted or not _is_trusted(remote, trusted):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop
    return hops[0] if hops else remote


def _is_trusted(address: str, trusted: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(net, strict=False) for net in trusted)


def _window_key(key: str, window: int) -> str:
    # The window's number is part of the key: a count never outlives its window, whatever the backend's expiry.
    return f"ratelimit:{key}:{int(time.time()) // window}"


def allow(key: str, *, limit: int, window: int) -> bool:
    """Count one hit on ``key``; False once it has had ``limit`` hits in the current window."""
    cache_key = _window_key(key, window)
    try:
        cache.add(cache_key, 0, timeout=window * 2)
        try:
            hits = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.add(cache_key, 1, timeout=window * 2)
            hits = 1
    except Exception as exc:  # noqa: BLE001 - any backend's connection error; see the module docstring
        logger.warning("Rate limit cache unavailable; allowing %s: %s", key.split(":", 1)[0], exc)
        return True
    return hits <= limit


def hits(key: str, *, window: int) -> int:
    """How many hits ``key`` has had in the current window, without counting one (0 if the cache is down)."""
    try:
        return int(cache.get(_window_key(key, window)) or 0)
    except Exception as exc:  # noqa: BLE001 - fail open, as ``allow`` does
        logger.warning("Rate limit cache unavailable; not checking %s: %s", key.split(":", 1)[0], exc)
        return 0
