"""The one HTML policy for editor and imported article bodies (nh3 / ammonia).

An explicit allowlist: paragraphs, headings, links, lists, quotes, figures, images, tables, code
and a little inline markup. Everything else goes: scripts and styles (with their content), event
handlers and ``style`` attributes, ``javascript:``/``data:`` URLs, iframes, embeds, forms, SVG.
Every link is marked ``rel="noopener noreferrer nofollow"`` (we vouch for no site we link to).

Two hooks of the body editor survive: ``<figure data-image="ID">`` (a picture from the library) and
``<figure data-embed="youtube|x|link">`` around a plain link (an embed the reader's page loads only on a click;
a YouTube or X placeholder whose link points elsewhere becomes a plain link card).
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

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
    "figure": {"data-image", "data-embed"},
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
_IMAGE_ID_RE = re.compile(r"^[1-9]\d{0,17}$")
# The hosts each embed kind may point at; "link" is any http(s) page, shown as a link card.
EMBED_HOSTS = {
    "youtube": {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be"},
    "x": {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
    "link": None,
}
# Runs on nh3's output (normalised markup, attributes quoted with "), so the pattern sees every placeholder.
_EMBED_RE = re.compile(r'<figure data-embed="(?P<kind>[a-z]+)"><a(?: href="(?P<href>[^"]*)")?')


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Code blocks keep only highlighter classes (language-python), never the site's own CSS classes.
    if tag == "code" and attribute == "class":
        kept = [name for name in value.split() if _LANGUAGE_CLASS_RE.match(name)]
        return " ".join(kept) or None
    if attribute in ("width", "height", "colspan", "rowspan", "start"):
        return value if _NUMBER_RE.match(value.strip()) else None
    if attribute == "data-image":
        return value if _IMAGE_ID_RE.match(value) else None
    if attribute == "data-embed":
        return value if value in EMBED_HOSTS else None
    return value


def _embed_host_checked(match: re.Match) -> str:
    kind, href = match["kind"], html.unescape(match["href"] or "")
    hosts = EMBED_HOSTS[kind]
    parts = urlsplit(href)
    if parts.scheme not in ("http", "https"):
        return match[0].replace(f' data-embed="{kind}"', "", 1)  # a plain figure around the link
    if hosts is None or (parts.hostname or "") in hosts:
        return match[0]
    # Not the site this kind loads from: still the editor's link, but never loaded as a frame.
    return match[0].replace(f'data-embed="{kind}"', 'data-embed="link"', 1)


def clean_html(html_text: str) -> str:
    """Sanitise article HTML; idempotent, so running it on clean HTML changes nothing."""
    if not html_text:
        return ""
    cleaned = nh3.clean(
        html_text,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return _EMBED_RE.sub(_embed_host_checked, cleaned) if "data-embed" in cleaned else cleaned


def plain_text(html_text: str) -> str:
    """Text with every tag removed (scripts and styles with their content) and entities resolved."""
    if not html_text:
        return ""
    return html.unescape(nh3.clean(html_text, tags=set(), clean_content_tags=CLEAN_CONTENT_TAGS))
