"""Word boundaries from a real segmenter (rjieba: jieba's DAG + maximum probability over its word-frequency
dictionary, with its HMM for words the dictionary lacks), to tell whether a phrase found in a text stands there as
whole words or straddles one (大模型 in 放大模型 is 放大｜模型: a glossary term 大模型 would rewrite half of 放大).

Pure functions, no ORM. The segmenter is this module's own instance, so words another module adds to jieba's
global dictionary never change what is judged here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import opencc
import rjieba

# Punctuation and spaces end a clause: segmentation never joins across them, so a window stops there.
_CLAUSE_END_RE = re.compile(r"[\s。，、；：！？「」『』（）()《》〈〉【】…—,.;:!?\"'<>]")
WINDOW = 24  # characters of context segmented on each side of an occurrence
EXCERPT = 14  # characters of context shown on each side in an example


@functools.cache
def _segmenter() -> rjieba.Jieba:
    return rjieba.Jieba()


@functools.cache
def _t2s() -> opencc.OpenCC:
    # Character-level Traditional → Simplified, only to let jieba (a Simplified dictionary) segment Traditional text.
    return opencc.OpenCC("t2s")


_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _inner_edges(text: str, hmm: bool) -> list[tuple[int, int]]:
    # A lone surrogate (from a broken import) cannot cross into the segmenter; U+FFFD keeps the offsets.
    text = _SURROGATE_RE.sub("\ufffd", text)
    return [(start, end) for _word, start, end in _segmenter().tokenize(text, hmm=hmm)]


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause around ``text[start:end]``, at most ``WINDOW`` characters on each side."""
    left = max(0, start - WINDOW)
    for match in _CLAUSE_END_RE.finditer(text, left, start):
        left = match.end()
    right = min(len(text), end + WINDOW)
    stop = _CLAUSE_END_RE.search(text, end, right)
    if stop:
        right = stop.start()
    return left, right


@dataclass(frozen=True)
class Crossing:
    """``phrase`` found at ``start`` in a text, straddling a word: ``excerpt`` shows it, ``words`` the segmenter's
    reading of the clause around it (words joined by ｜)."""

    start: int
    end: int
    excerpt: str
    words: str


def excerpt(text: str, start: int, end: int, width: int = EXCERPT) -> str:
    """``text[start:end]`` in its context, marked 【…】, shortened with … where the context goes on."""
    left = max(0, start - width)
    right = min(len(text), end + width)
    head = ("…" if left else "") + text[left:start]
    tail = text[end:right] + ("…" if right < len(text) else "")
    return " ".join(f"{head}【{text[start:end]}】{tail}".split())


def _orphans(clause: str, start: int, end: int, hmm: bool) -> bool:
    """Whether reading ``clause[start:end]`` as one word leaves a single character stranded where the segmenter's
    own reading had joined it to the phrase's edge: 放 of 放大模型 (放大｜模型) once 大模型 is a word; not 玩 of
    链游玩家 (链｜游玩｜家), which joins 家 into 玩家 once 链游 is a word."""
    words = _inner_edges(clause, hmm)
    if any(a < start < b for a, b in words):
        before = _inner_edges(clause[:start], hmm)
        if before and before[-1][1] - before[-1][0] == 1:
            return True
    if any(a < end < b for a, b in words):
        after = _inner_edges(clause[end:], hmm)
        if after and after[0][1] - after[0][0] == 1:
            return True
    return False


def crossings(text: str, phrase: str, *, limit: int = 5) -> list[Crossing]:
    """Where ``phrase`` occurs in Simplified ``text`` straddling a word: the segmenter (with or without its HMM)
    reads a word across one of its edges, and taking the phrase as a word would strand a single character there
    (放大模型 for 大模型; 人卷人, read 人卷｜人, for 卷人; 大数据 for 数据)."""
    found: list[Crossing] = []
    if not phrase:
        return found
    position = text.find(phrase)
    while position != -1 and len(found) < limit:
        end = position + len(phrase)
        left, right = _window(text, position, end)
        clause = text[left:right]
        for hmm in (False, True):
            if _orphans(clause, position - left, end - left, hmm):
                reading = "｜".join(clause[a:b] for a, b in _inner_edges(clause, hmm))
                found.append(Crossing(position, end, excerpt(text, position, end), reading))
                break
        position = text.find(phrase, position + 1)
    return found


def straddles_words_hant(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (Traditional) straddles two words of its clause: a word begins before it and
    ends inside it, or begins inside it and ends after it (合同 in 結合同步 is 結合｜同步). A longer word that holds it
    whole (簽訂合同) does not straddle it. Read by the segmenter through a character-level Simplified copy."""
    left, right = _window(text, start, end)
    clause = text[left:right]
    simplified = _t2s().convert(_SURROGATE_RE.sub("\ufffd", clause))
    if len(simplified) != len(clause):  # a phrase conversion changed the length: no reliable reading
        return False
    start_in, end_in = start - left, end - left
    for hmm in (False, True):
        for a, b in _inner_edges(simplified, hmm):
            if (a < start_in < b < end_in) or (start_in < a < end_in < b):
                return True
    return False
