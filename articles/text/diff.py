"""Differences between two texts for editors: character-level for Chinese, whole words for Latin script.

Chinese has no spaces between words, so the unit compared is the character; runs of Latin letters and
digits (GPT-4, OpenAI, 2024) stay whole so a changed version number reads as one change, not three.
"""

from __future__ import annotations

import difflib
import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from articles.text import sanitize

_TOKEN = re.compile(r"[A-Za-z0-9_]+(?:[.\-'][A-Za-z0-9_]+)*|\s+|.", re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|div|figure|figcaption|tr|pre)>|<br\s*/?>", re.IGNORECASE)


def tokens(text: str) -> list[str]:
    """Split ``text`` into the units the diff compares."""
    return _TOKEN.findall(text or "")


def html_to_text(html_text: str) -> str:
    """The readable text of article HTML, one paragraph per line."""
    text = sanitize.plain_text(_BLOCK_END.sub("\n", html_text or ""))
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def diff_html(old: str, new: str) -> SafeString:
    """``new`` with removed runs in ``<del>`` and added runs in ``<ins>``; adjacent changes are grouped."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    parts: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        removed, added = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            parts.append(escape(added))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 - every piece above is escaped


def changed(old: str, new: str) -> bool:
    """Whether the two texts differ at all."""
    return (old or "") != (new or "")
