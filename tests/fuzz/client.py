"""Sending hostile requests: the bytes go on the wire as a sloppy or malicious client would send them,
each request runs in a savepoint rolled back afterwards (one world per test, the same for every example),
and a server error fails the test with the request that caused it — unless it is a known case (``known``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseBase
from django.test import Client

from tests.fuzz import known
from tests.fuzz.strategies import percent

FORM = "application/x-www-form-urlencoded"


class Rollback(Exception):
    """Raised inside the savepoint to undo whatever one request wrote."""


def encode(pairs: Iterable[tuple[str, str]]) -> str:
    return "&".join(f"{percent(k)}={percent(v)}" for k, v in pairs)


@dataclass
class Sent:
    method: str
    path: str
    query: str = ""
    body: bytes = b""
    headers: dict = field(default_factory=dict)

    def __str__(self) -> str:
        target = f"{self.path}?{self.query}" if self.query else self.path
        text = f"{self.method} {target}"
        if self.body:
            text += f"\n  body: {self.body[:600]!r}"
        if self.headers:
            text += f"\n  headers: {json.dumps(self.headers, ensure_ascii=True)[:600]}"
        return text


class ServerError(AssertionError):
    pass


def send(client: Client, method: str, path: str, *, query: Iterable[tuple[str, str]] | str = (),
         body: bytes | str = b"", content_type: str = FORM, headers: dict | None = None,
         ) -> HttpResponseBase | None:
    """One request; the response, or None for a known case (see ``known``). Anything >= 500 or any
    unhandled exception fails with the request spelled out."""
    query = query if isinstance(query, str) else encode(query)
    body = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    sent = Sent(method, path, query, body, dict(headers or {}))
    cache.clear()  # no cached page, rate limit or throttle from the previous example
    extra = {"QUERY_STRING": query, **sent.headers}
    try:
        with transaction.atomic():
            response = client.generic(method, path, data=body, content_type=content_type, **extra)
            if not response.streaming:
                response.content  # noqa: B018 - a lazy body renders here, inside the savepoint
            else:
                b"".join(response.streaming_content)
            raise Rollback
    except Rollback:
        pass
    except Exception as exc:
        case = known.match(sent, exc)
        if case is not None:
            return None
        raise ServerError(f"unhandled {type(exc).__name__}: {exc}\n  request: {sent}") from exc
    if response.status_code >= 500:
        case = known.match(sent, None, response)
        if case is not None:
            return None
        raise ServerError(f"{response.status_code} for {sent}")
    return response


def get(client: Client, path: str, query: Iterable[tuple[str, str]] | str = (), **headers) -> HttpResponseBase | None:
    return send(client, "GET", path, query=query, headers=headers)


def post(client: Client, path: str, fields: Iterable[tuple[str, str]] = (), *, query: Iterable[tuple[str, str]] = (),
         **headers) -> HttpResponseBase | None:
    return send(client, "POST", path, query=query, body=encode(fields), headers=headers)
