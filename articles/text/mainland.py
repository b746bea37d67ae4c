"""The mainland-usage check: words from a curated list of mainland usages (``dictionaries/mainland.tsv``: the word
in Traditional characters, its Taiwan form(s), a domain and a reason), found in the text nodes of Traditional text.

Never "what s2twp would still change": that recommends s2twp's own errors (消息人士 → 訊息人士, 設備 → 裝置, a blank
suggestion for 權限). A word is flagged only where it stands as a word (the segmenter's reading: 合同 in 結合同步 is
not the word 合同), never inside ``<code>``/``<pre>``, a tag, an attribute, a URL or an e-mail address. ``replace``
rewrites exactly what ``find`` flags, so a one-click fix changes nothing else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from articles.text import boundaries, chinese

MAINLAND_FILE = Path(__file__).resolve().parent / "dictionaries" / "mainland.tsv"
ALTERNATIVES = "｜"
_ADDRESS_RE = re.compile(r"(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"']+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Usage:
    """A mainland word and how Taiwan says it."""

    word: str
    taiwan: tuple[str, ...]
    domain: str
    reason: str


@dataclass(frozen=True)
class Hit:
    """A mainland word found in a text: its usage, how often it stands there, and the first place, in context."""

    usage: Usage
    count: int
    excerpt: str

    @property
    def word(self) -> str:
        return self.usage.word


@functools.cache
def usages() -> dict[str, Usage]:
    """The curated list, by mainland word."""
    found: dict[str, Usage] = {}
    for number, line in enumerate(MAINLAND_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        columns = line.split("\t")
        if len(columns) != 4 or not all(column.strip() for column in columns):
            raise ValueError(f"{MAINLAND_FILE.name}:{number}: expected word, Taiwan form, domain, reason")
        word, taiwan, domain, reason = (column.strip() for column in columns)
        found[word] = Usage(word, tuple(form.strip() for form in taiwan.split(ALTERNATIVES) if form.strip()),
                            domain, reason)
    return found


def _inside_taiwan_form(text: str, start: int, word: str) -> bool:
    """Whether the ``word`` found at ``start`` is part of one of its own Taiwan forms there (算法 in 演算法)."""
    for form in usages()[word].taiwan:
        offset = form.find(word)
        while offset != -1:
            if offset <= start and text.startswith(form, start - offset):
                return True
            offset = form.find(word, offset + 1)
    return False


@functools.cache
def _by_first_character() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for word in usages():
        index.setdefault(word[0], []).append(word)
    return {first: tuple(sorted(words, key=len, reverse=True)) for first, words in index.items()}


def _scan(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) of every listed word standing as a word in plain ``text``, longest first, left to right."""
    index = _by_first_character()
    addresses = [match.span() for match in _ADDRESS_RE.finditer(text)]
    found = []
    position = 0
    while position < len(text):
        candidates = index.get(text[position], ())
        matched = 0
        if candidates and not any(a <= position < b for a, b in addresses):
            for word in candidates:
                end = position + len(word)
                if text.startswith(word, position) and not any(a < end <= b for a, b in addresses) \
                        and not _inside_taiwan_form(text, position, word) \
                        and not boundaries.straddles_words_hant(text, position, end):
                    found.append((position, end, word))
                    matched = len(word)
                    break
        position += matched or 1
    return found


def _text_nodes(text: str, html: bool, visit: Callable[[str], str]) -> str:
    return chinese.convert_html(text, visit, attributes=False) if html else visit(text)


def find(text: str, *, html: bool = False) -> list[Hit]:
    """Mainland words in Traditional ``text`` (in its text nodes when ``html``), in order of first appearance."""
    counts: dict[str, int] = {}
    excerpts: dict[str, str] = {}

    def visit(node: str) -> str:
        for start, end, word in _scan(node):
            counts[word] = counts.get(word, 0) + 1
            excerpts.setdefault(word, boundaries.excerpt(node, start, end))
        return node

    _text_nodes(text, html, visit)
    table = usages()
    return [Hit(table[word], count, excerpts[word]) for word, count in counts.items()]


def replace(text: str, word: str, replacement: str, *, html: bool = False) -> tuple[str, int]:
    """``text`` with ``word`` replaced by ``replacement`` wherever ``find`` flags it; returns the text and how many
    places changed. Only a Taiwan form listed for ``word`` is accepted as ``replacement``."""
    usage = usages().get(word)
    if usage is None or replacement not in usage.taiwan:
        raise ValueError(f"「{word} → {replacement}」不在大陸用語清單裡。")
    changed = 0

    def visit(node: str) -> str:
        nonlocal changed
        out, position = [], 0
        for start, end, found in _scan(node):
            if found == word:
                out.append(node[position:start])
                out.append(replacement)
                position = end
                changed += 1
        out.append(node[position:])
        return "".join(out)

    return _text_nodes(text, html, visit), changed
