"""Template helpers that pick the reader's script variant of stored text (no conversion here)."""

from __future__ import annotations

import json

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from articles import search, selectors
from articles.models import Source

SHARE_TOTAL_MARK = "<!--newsroom:share-total-->"  # a comment: sanitised article HTML never carries one
YEAR_MARK = "<!--newsroom:year-->"  # the footer's © year, which outlives the render

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
    if field in getattr(obj, "LOCALIZED_FIELDS", ()):
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
    from django.urls import translate_url

    if context.get("variant_links"):  # a page outside the language prefixes (the admin preview) names its own
        return context["variant_links"]
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


@register.simple_tag(takes_context=True)
def footer_year(context) -> str:
    """This year; a page rendered ahead of time gets a placeholder filled in when it is served."""
    from django.utils import timezone

    if context.get("prerender"):
        return mark_safe(YEAR_MARK)  # noqa: S308 - a constant
    return str(timezone.localdate().year)


@register.simple_tag(takes_context=True)
def share_total(context, article) -> str:
    """The share total of the article (see ``share_total_html``); a page rendered ahead of
    time gets a placeholder instead, filled in on every request, since the count changes with every click."""
    if context.get("prerender"):
        return mark_safe(SHARE_TOTAL_MARK)  # noqa: S308 - a constant
    return share_total_html(article.share_total)


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


def _json_ld(*objects: dict) -> str:
    """Each object as a ``<script type="application/ld+json">``; ``<``, ``>`` and ``&`` are written as JSON
    escapes, so no stored text (a title holding ``</script>``) can end the element early."""
    scripts = []
    for data in objects:
        payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
        scripts.append(f'<script type="application/ld+json">{payload}</script>')
    return mark_safe("\n".join(scripts))  # noqa: S308 - the payloads are escaped above


def _in_language(language: str) -> str:
    return "zh-Hans" if language == "zh-hans" else "zh-Hant-TW"


def _home_crumb() -> tuple[str, str]:
    return gettext("首頁"), reverse("articles:home")


def _list_crumb(obj, language: str) -> tuple[str, str]:
    """A tag's or source's page as a breadcrumb: its heading (標籤：比特幣) and path, in the reader's script."""
    label = gettext("來源：") if isinstance(obj, Source) else gettext("標籤：")
    return label + obj.localized_name(language), obj.get_absolute_url()


def _breadcrumbs(request, crumbs: list[tuple[str, str]]) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [{"@type": "ListItem", "position": position, "name": name,
                             "item": request.build_absolute_uri(path)}
                            for position, (name, path) in enumerate(crumbs, start=1)],
    }


@register.simple_tag(takes_context=True)
def list_json_ld(context, page, about=None) -> str:
    """schema.org ``CollectionPage`` of a list page, with its articles as an ``ItemList`` in the order shown
    (positions count from the first page), and, for a tag's or source's page (``about``), its ``BreadcrumbList``.

    Uses only what the list already fetched: no query per article."""
    request = context["request"]
    language = _language(context)
    absolute = request.build_absolute_uri
    home_name, home_path = _home_crumb()
    if about is None:
        name, path = gettext("最新文章"), home_path
    else:
        name, path = _list_crumb(about, language)
    url = absolute(path) + (f"?page={page.number}" if page.number > 1 else "")
    start = page.start_index - 1
    collection = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": name,
        "url": url,
        "inLanguage": _in_language(language),
        "isPartOf": {"@type": "WebSite", "name": context.get("SITE_NAME", ""), "url": absolute(home_path)},
        "mainEntity": {
            "@type": "ItemList",
            "itemListElement": [{"@type": "ListItem", "position": start + position,
                                 "url": absolute(article.get_absolute_url()),
                                 "name": article.localized("title", language)}
                                for position, article in enumerate(page.object_list, start=1)],
        },
    }
    if about is None:
        return _json_ld(collection)  # the home page is the top: no trail to show
    return _json_ld(collection, _breadcrumbs(request, [(home_name, home_path), (name, path)]))


@register.simple_tag(takes_context=True)
def article_breadcrumb_json_ld(context, article) -> str:
    """schema.org ``BreadcrumbList``: home → the article's first tag (else its source) → the article.

    The tags are prefetched and the source joined with the article, so this costs no query."""
    request = context["request"]
    language = _language(context)
    crumbs = [_home_crumb()]
    tags = selectors.article_tags(article)
    if tags:
        crumbs.append(_list_crumb(tags[0], language))
    elif article.source_id:
        crumbs.append(_list_crumb(article.source, language))
    crumbs.append((article.localized("title", language), article.get_absolute_url()))
    return _json_ld(_breadcrumbs(request, crumbs))


@register.simple_tag(takes_context=True)
def article_json_ld(context, article) -> str:
    """schema.org NewsArticle for crawlers, with ``isBasedOn`` pointing at the upstream article."""
    request = context["request"]
    language = _language(context)
    absolute = request.build_absolute_uri
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": loc(context, article, "title")[:110],
        "description": loc(context, article, "summary"),
        "inLanguage": _in_language(language),
        "mainEntityOfPage": absolute(article.get_absolute_url()),
        "dateModified": article.updated_at.isoformat() if article.updated_at else None,
        "publisher": {"@type": "Organization", "name": context.get("SITE_NAME", "")},
    }
    if article.publish_at:
        data["datePublished"] = article.publish_at.isoformat()
    if article.author:
        data["author"] = {"@type": "Person", "name": article.localized("author", language)}
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
    return _json_ld({k: v for k, v in data.items() if v is not None})


@register.filter
def credit_for(image, language: str) -> str:
    """An image's credit in ``language`` (for templates rendered outside a request, like feeds)."""
    return image.localized_credit(language)


@register.filter
def alt_for(image, language: str) -> str:
    """An image's alt text in ``language`` (for templates rendered outside a request, like feeds)."""
    return image.localized_alt(language)


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


# --- placeholders of pages rendered ahead of time (articles.pages) ------------------------------------------



def share_total_html(total: int) -> str:
    """The share total in the reader's script: hidden below SHARE_MIN_DISPLAY (never "0 shares"), the exact
    count in ``data-share-total`` for scripts and tools."""
    hidden = " hidden" if total < settings.SHARE_MIN_DISPLAY else ""
    # The message is ours (locale/), with its own markup; only the number is interpolated, escaped.
    number = escape(cn_number(total, translation.get_language()))
    text = gettext("分享 <strong>%(total)s</strong> 次") % {"total": number}
    return format_html('<span class="share-total" data-share-total="{}"{}>{}</span>', total, hidden, mark_safe(text))  # noqa: S308


# --- the build --------------------------------------------------------------------------------

