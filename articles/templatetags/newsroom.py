"""Template helpers that pick the reader's script variant of stored text (no conversion here)."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from articles import selectors

register = template.Library()


def _language(context) -> str:
    request = context.get("request")
    return getattr(request, "LANGUAGE_CODE", None) or get_language() or "zh-hant"


@register.simple_tag(takes_context=True)
def loc(context, obj, field: str) -> str:
    """``{% loc article "title" %}``: the stored variant of ``field`` in the reader's script."""
    if obj is None:
        return ""
    language = _language(context)
    if hasattr(obj, "localized") and field in {"title", "summary", "body", "copyright"}:
        return obj.localized(field, language)
    method = getattr(obj, f"localized_{field}", None)
    if method is not None:
        return method(language)
    return getattr(obj, field, "")


@register.simple_tag
def article_tags(article) -> list:
    return selectors.article_tags(article)


@register.simple_tag(takes_context=True)
def variant_urls(context) -> dict[str, str]:
    """Absolute-path URLs of this page in each script variant, for links and hreflang."""
    from django.conf import settings
    from django.urls import translate_url

    request = context.get("request")
    if request is None:
        return {}
    path = request.get_full_path()
    return {code: translate_url(path, code) for code, _name in settings.LANGUAGES}


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""
