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


SHARE_TARGETS = [
    # (network, label, URL template for the network's real share address)
    ("facebook", "Facebook", "https://www.facebook.com/sharer/sharer.php?u={url}"),
    ("x", "X", "https://x.com/intent/post?url={url}&text={title}"),
    ("line", "LINE", "https://social-plugins.line.me/lineit/share?url={url}"),
    ("telegram", "Telegram", "https://t.me/share/url?url={url}&text={title}"),
    ("weibo", "微博", "https://service.weibo.com/share/share.php?url={url}&title={title}"),
    ("whatsapp", "WhatsApp", "https://api.whatsapp.com/send?text={title}%20{url}"),
    ("email", "Email", "mailto:?subject={title}&body={url}"),
]


@register.simple_tag(takes_context=True)
def share_links(context, article) -> list[dict]:
    """Each network's share address for the article's canonical URL in the reader's variant."""
    from urllib.parse import quote

    request = context["request"]
    url = request.build_absolute_uri(article.get_absolute_url())
    title = loc(context, article, "title")
    quoted = {"url": quote(url, safe=""), "title": quote(title, safe="")}
    links = [{"network": n, "label": label, "href": template.format(**quoted)} for n, label, template in SHARE_TARGETS]
    links.append({"network": "copy", "label": "複製連結", "href": url})
    return links


@register.filter
def cn_number(value, language: str = "zh-hant") -> str:
    """1234 → 1,234; 12345 → 1.2萬 (1.2万 in Simplified); 123456789 → 1.2億."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    simplified = language == "zh-hans"
    for size, hant, hans in ((100_000_000, "億", "亿"), (10_000, "萬", "万")):
        if number >= size:
            text = f"{(number * 10 // size) / 10:.1f}".removesuffix(".0")  # truncate: never overstate
            return text + (hans if simplified else hant)
    return f"{number:,}"


_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def article_json_ld(context, article) -> str:
    """schema.org NewsArticle for crawlers, with ``isBasedOn`` pointing at the upstream article."""
    import json

    from django.utils.safestring import mark_safe

    request = context["request"]
    language = _language(context)
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": loc(context, article, "title")[:110],
        "description": loc(context, article, "summary"),
        "inLanguage": "zh-Hans" if language == "zh-hans" else "zh-Hant-TW",
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "dateModified": article.updated_at.isoformat() if article.updated_at else None,
        "publisher": {"@type": "Organization", "name": context.get("SITE_NAME", "")},
    }
    if article.publish_at:
        data["datePublished"] = article.publish_at.isoformat()
    if article.author:
        data["author"] = {"@type": "Person", "name": article.author}
    if article.featured_image_id:
        image = article.featured_image
        data["image"] = {"@type": "ImageObject", "url": absolute(image.file.url), "width": image.width,
                         "height": image.height, "creditText": image.localized_credit(language)}
    if article.original_url:
        data["isBasedOn"] = article.original_url
    if article.source_id:
        data["sourceOrganization"] = {"@type": "Organization", "name": article.source.localized_name(language)}
        data["copyrightHolder"] = {"@type": "Organization", "name": article.source.localized_name(language)}
    if article.original_source_id:
        data["isBasedOn"] = {"@type": "NewsArticle", "url": article.original_url or article.original_source.homepage,
                             "publisher": {"@type": "Organization",
                                           "name": article.original_source.localized_name(language)}}
    copyright_notice = loc(context, article, "copyright")
    if copyright_notice:
        data["copyrightNotice"] = copyright_notice
    payload = json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)
    return mark_safe(f'<script type="application/ld+json">{payload.translate(_JSON_ESCAPES)}</script>')  # noqa: S308


@register.filter
def loc_for(image, language: str) -> str:
    """An image's credit in ``language`` (for templates rendered outside a request, like feeds)."""
    return image.localized_credit(language)


@register.filter
def name_for(source, language: str) -> str:
    return source.localized_name(language)


@register.filter
def copyright_for(article, language: str) -> str:
    return article.localized("copyright", language)


@register.simple_tag(takes_context=True)
def search_snippet(context, article, needles) -> str:
    """An excerpt of the article in the reader's script with the query words marked."""
    from django.utils.safestring import mark_safe

    from articles import search

    language = _language(context)
    text = f"{article.localized('summary', language)} {article.localized('body', language)}"
    return mark_safe(search.snippet(text, needles))  # noqa: S308 - search.snippet escapes the text itself


@register.simple_tag
def picture_sources(image) -> dict:
    """The srcsets of an image's prefetched renditions: WebP and JPEG by width (the social crop left out),
    and the widest JPEG as the fallback ``src``; the original until the renditions exist."""
    webp, jpeg = [], []
    for rendition in image.renditions.all():
        if rendition.spec.startswith("og"):
            continue
        if rendition.format == "WEBP":
            webp.append(rendition)
        elif rendition.format == "JPEG":
            jpeg.append(rendition)
    webp.sort(key=lambda r: r.width)
    jpeg.sort(key=lambda r: r.width)

    def srcset(renditions):
        return ", ".join(f"{r.file.url} {r.width}w" for r in renditions)

    return {
        "webp": srcset(webp),
        "jpeg": srcset(jpeg),
        "src": jpeg[-1].file.url if jpeg else image.file.url,
    }
