"""What conversion must leave alone: URLs and e-mail addresses in any text, tags, and code in HTML bodies; and the
attribute values readers see (``alt``, ``title``, ``aria-label``), which it must convert."""

from __future__ import annotations

import re
from collections.abc import Callable

# A bare URL runs to whitespace, a quote or angle bracket, or full-width punctuation (where Chinese prose resumes);
# its path may be Chinese (…/视频/信息), and that must come out as it went in.
_URL_RE = re.compile(
    r"""(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>"'\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]+"""
    r"""(?<![.,;:!?)\]])""",
)
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PROTECTED_RE = re.compile(f"{_URL_RE.pattern}|{_EMAIL_RE.pattern}")

# A tag, with quoted attribute values that may themselves contain ">"; comments too.
TAG_RE = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
_TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
_VERBATIM = {"code", "pre", "script", "style", "kbd", "samp", "var", "tt", "textarea"}
# alt / title / aria-label values are text readers see (or hear); every other attribute stays byte-identical.
_READABLE_ATTR_RE = re.compile(
    r"""(?P<lead>[\s"'](?:alt|title|aria-label)\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+))""",
    re.IGNORECASE,
)


def _attribute_value(after: str, before: str, quote: str) -> str:
    """A converted attribute value that still fits its quotes: its own quote character cannot have been in the value
    as written, so one that conversion brought in is escaped; a bare value that would need quotes stays as it was."""
    if quote:
        return after.replace(quote, "&quot;" if quote == '"' else "&#x27;")
    return before if re.search(r"""[\s"'=<>`]""", after) else after


def split_protected(text: str) -> list[tuple[str, bool]]:
    """``text`` as (piece, convertible) pairs: URLs and e-mail addresses are not convertible."""
    if "://" not in text and "www." not in text and "@" not in text:
        return [(text, True)]
    pieces: list[tuple[str, bool]] = []
    pos = 0
    for match in _PROTECTED_RE.finditer(text):
        if match.start() > pos:
            pieces.append((text[pos:match.start()], True))
        pieces.append((match.group(0), False))
        pos = match.end()
    if pos < len(text) or not pieces:
        pieces.append((text[pos:], True))
    return pieces


def convert_texts(texts: list[str], convert_many: Callable[[list[str]], list[str]]) -> list[str]:
    """Convert many texts in one batch, each with its URLs and e-mail addresses left as they are."""
    layout: list[list[tuple[str, bool]]] = [split_protected(text) for text in texts]
    todo = [piece for pieces in layout for piece, convertible in pieces if convertible and piece]
    done = iter(convert_many(todo) if todo else [])
    return ["".join(next(done) if convertible and piece else piece for piece, convertible in pieces)
            for pieces in layout]


def convert_html(html: str, convert_many: Callable[[list[str]], list[str]], *, attributes: bool = True) -> str:
    """Convert the text nodes and (unless ``attributes`` is false) the ``alt``/``title``/``aria-label`` values of
    ``html``; leave tags, other attributes, comments, URLs, e-mail addresses and code (``<code>``, ``<pre>`` …)
    byte-identical."""
    out: list[str] = []
    slots: list[tuple[int, str]] = []  # (index in out, text to convert)
    quoting: dict[int, str] = {}  # attribute values: how each is quoted (", ' or bare)
    verbatim_depth = 0
    pos = 0

    def text_slot(text: str, quote: str | None = None) -> None:
        # Values are converted as written: entities are ASCII, which conversion leaves alone.
        slots.append((len(out), text))
        if quote is not None:
            quoting[len(out)] = quote
        out.append(text)

    for match in TAG_RE.finditer(html):
        text = html[pos:match.start()]
        if text:
            if verbatim_depth:
                out.append(text)
            else:
                text_slot(text)
        tag = match.group(0)
        name_match = _TAG_NAME_RE.match(tag)
        name = name_match.group(1).lower() if name_match else ""
        if verbatim_depth or not name_match or tag.startswith("</") or not attributes:
            out.append(tag)
        else:
            last = 0
            for attr in _READABLE_ATTR_RE.finditer(tag):
                value_group = next(g for g in ("dq", "sq", "bare") if attr.group(g) is not None)
                out.append(tag[last:attr.start(value_group)])
                text_slot(attr.group(value_group), quote={"dq": '"', "sq": "'", "bare": ""}[value_group])
                last = attr.end(value_group)
            out.append(tag[last:])
        if name in _VERBATIM and not tag.endswith("/>"):
            verbatim_depth = max(verbatim_depth + (-1 if tag.startswith("</") else 1), 0)
        pos = match.end()
    tail = html[pos:]
    if tail:
        if verbatim_depth:
            out.append(tail)
        else:
            text_slot(tail)
    if slots:
        converted = convert_texts([text for _, text in slots], convert_many)
        for (index, before), after in zip(slots, converted, strict=True):
            if index in quoting:
                after = _attribute_value(after, before, quoting[index])
            out[index] = after
    return "".join(out)
