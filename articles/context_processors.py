"""Template context shared by every page."""

import functools

from django.conf import settings
from django.http import HttpRequest

from articles.text import chinese


@functools.lru_cache(maxsize=8)
def _site_name(name: str, language: str) -> str:
    # Converted once per process and script, not per request.
    return chinese.to_hans(name) if language == chinese.HANS else name


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": _site_name(settings.SITE_NAME, getattr(request, "LANGUAGE_CODE", chinese.HANT)),
        "SHARE_MIN_DISPLAY": settings.SHARE_MIN_DISPLAY,
    }
