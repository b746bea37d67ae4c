"""The one HTML policy for editor and imported article bodies (nh3 / ammonia).

An explicit allowlist: paragraphs, headings, links, lists, quotes, figures, images, tables, code
and a little inline markup. Everything else goes: scripts and styles (with their content), event
handlers and ``style`` attributes, ``javascript:``/``data:`` URLs, iframes, embeds, forms, SVG.
Every link is marked ``rel="noopener noreferrer nofollow"`` (we vouch for no site we link to).
"""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "sub", "sup", "mark",
    "small", "a", "ul", "ol", "li", "blockquote", "q", "cite", "figure", "figcaption", "img", "code", "pre",
    "kbd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "span", "abbr", "time", "dl", "dt",
    "dd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height", "loading"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start", "reversed"},
    "code": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them: their content is code, chrome or bait, never article text.
CLEAN_CONTENT_TAGS = {
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes", "object", "embed",
    "applet", "svg", "math", "form", "textarea", "select", "button",
}
LINK_REL = "noopener noreferrer nofollow"

_LANGUAGE_CLASS_RE = re.compile(r"^language-[A-Za-z0-9_+#-]{1,30}$")
_NUMBER_RE = re.compile(r"^\d{1,5}$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Code blocks keep only highlighter classes (language-python), never the site's own CSS classes.
    if tag == "code" and attribute == "class":
        kept = [name for name in value.split() if _LANGUAGE_CLASS_RE.match(name)]
        return " ".join(kept) or None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if _NUMBER_RE.match(value.strip()) else None
    return value


def clean_html(html_text: str) -> str:
    """Sanitise article HTML; idempotent, so running it on clean HTML changes nothing."""
    if not html_text:
        return ""
    return nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def plain_text(html_text: str) -> str:
    """Text with every tag removed (scripts and styles with their content) and entities resolved."""
    if not html_text:
        return ""
    return html.unescape(nh3.clean(html_text, tags=set(), clean_content_tags=CLEAN_CONTENT_TAGS))
