"""Traditional / Simplified conversion with OpenCC, done at write time.

Phrase-level conversion: Simplified to Taiwan Traditional with Taiwan vocabulary (s2twp)
and back (tw2sp). Bodies are HTML: only text nodes are converted; tags, attributes, URLs
and the contents of ``<code>``/``<pre>`` come out byte-identical.
"""

from __future__ import annotations

import functools
import re

import opencc

HANT = "zh-hant"
HANS = "zh-hans"

# A tag, with quoted attribute values that may themselves contain ">".
_TAG_RE = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")
_VERBATIM = {"code", "pre", "script", "style", "kbd", "samp"}
_TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")


@functools.cache
def _converter(config: str) -> opencc.OpenCC:
    # One converter per process and direction, built once: building one loads the dictionaries.
    return opencc.OpenCC(config)


def _convert(text: str, config: str) -> str:
    if not text:
        return text
    return _converter(config).convert(text)


def to_hant(text: str) -> str:
    """Simplified (or mixed) text to Taiwan Traditional with Taiwan phrases."""
    return _convert(text, "s2twp")


def to_hans(text: str) -> str:
    """Taiwan Traditional (or mixed) text to Simplified with mainland phrases."""
    return _convert(text, "tw2sp")


def convert_html(html: str, convert) -> str:
    """Apply ``convert`` to the text nodes of ``html`` outside code blocks."""
    out: list[str] = []
    verbatim_depth = 0
    pos = 0
    for match in _TAG_RE.finditer(html):
        text = html[pos:match.start()]
        if text:
            out.append(text if verbatim_depth else convert(text))
        tag = match.group(0)
        out.append(tag)
        name_match = _TAG_NAME_RE.match(tag)
        if name_match and name_match.group(1).lower() in _VERBATIM and not tag.endswith("/>"):
            verbatim_depth += -1 if tag.startswith("</") else 1
            verbatim_depth = max(verbatim_depth, 0)
        pos = match.end()
    tail = html[pos:]
    if tail:
        out.append(tail if verbatim_depth else convert(tail))
    return "".join(out)


def both_variants(text: str, language: str, *, html: bool = False) -> tuple[str, str]:
    """Return ``(traditional, simplified)`` for text written in ``language``."""
    if not text:
        return "", ""
    if language == HANS:
        hant = convert_html(text, to_hant) if html else to_hant(text)
        return hant, text
    hans = convert_html(text, to_hans) if html else to_hans(text)
    return text, hans
