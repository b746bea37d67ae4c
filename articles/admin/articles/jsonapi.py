"""The small JSON endpoints the article form's scripts post to (autosave, the other-script panel): read a JSON
object within a size limit, and answer refusals as JSON the script can show, never an HTML error page."""

from __future__ import annotations

import json
import re

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse

_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _scrub(value):
    # JSON may carry lone surrogates (\ud800) that no UTF-8 consumer (nh3, OpenCC, PostgreSQL) accepts.
    if isinstance(value, str):
        return _SURROGATE_RE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {_scrub(key): _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


class BadPayload(Exception):
    """The request body is not a JSON object we accept; ``status`` is the HTTP answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def json_ok(data: dict) -> JsonResponse:
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def json_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})


def read_object(request: HttpRequest, *, max_bytes: int) -> dict:
    """The request's JSON object, or ``BadPayload`` (too large, not JSON, not an object)."""
    too_large = BadPayload(f"內容太大（上限 {max_bytes // 1024:,} KB），沒有處理。")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > max_bytes:
        raise too_large  # refused before the body is read
    try:
        raw = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(raw) > max_bytes:
        raise too_large
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadPayload("內容不是有效的 JSON。") from None
    if not isinstance(payload, dict):
        raise BadPayload("內容格式不正確。")
    return _scrub(payload)
