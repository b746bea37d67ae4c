"""Traditional / Simplified conversion, done at write time.

Simplified to Taiwan Traditional with Taiwan vocabulary, and back. Simplified text is cut into words by a segmenter
(jieba's DAG and word frequencies, ``engine``) and each word is converted by OpenCC (s2twp's tables); the reverse uses
OpenCC's tw2sp. Two word lists join OpenCC's own dictionaries and the segmenter's, so they apply only to whole words:

* the house lexicon (``dictionaries/house.tsv``): reviewed Taiwan usage, each entry with its domain and reason;
* the site glossary (``GlossaryTerm`` rows, managed by editors in the admin).

One converter per process per glossary, looked up by the glossary as read from the database at each conversion, so
every worker picks up a glossary edit at once, without a stamp or a restart.

URLs and e-mail addresses are never converted, wherever they stand. Bodies are HTML: text nodes and the ``alt``,
``title`` and ``aria-label`` values are converted; tags, other attributes and the contents of ``<code>``/``<pre>``
come out byte-identical.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import engine, markup
from .engine import Converter, one_glossary, set_glossary_provider
from .lexicon import HOUSE_FILE, Term, house_terms, parse_house_line, term_problem

__all__ = [
    "HANS", "HANT", "HOUSE_FILE", "Change", "Converter", "Term", "both_variants", "changes", "convert_html",
    "glossary_hits", "house_terms", "mainland_terms", "one_glossary", "parse_house_line", "set_glossary_provider",
    "strip_tags", "term_problem", "to_hans", "to_hant", "to_script",
]

HANT = "zh-hant"
HANS = "zh-hans"

_converters = engine.converters  # tests reset it between glossaries
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


def _clean(text: str) -> str:
    # Lone surrogates (from broken imports) cannot be encoded to UTF-8 for OpenCC.
    return _SURROGATE_RE.sub("\ufffd", text)


def _hant_many(texts: list[str]) -> list[str]:
    return _converters.get().hant_many([_clean(text) for text in texts])


def _hans_many(texts: list[str]) -> list[str]:
    return _converters.get().hans_many([_clean(text) for text in texts])


def to_hant(text: str) -> str:
    """Simplified (or mixed) text to Taiwan Traditional with Taiwan phrases; URLs and e-mail addresses unchanged."""
    if not text:
        return text or ""
    return markup.convert_texts([text], _hant_many)[0]


def to_hans(text: str) -> str:
    """Taiwan Traditional (or mixed) text to Simplified with mainland phrases; URLs and e-mail addresses unchanged."""
    if not text:
        return text or ""
    return markup.convert_texts([text], _hans_many)[0]


_MANY: dict[Callable[[str], str], Callable[[list[str]], list[str]]] = {to_hant: _hant_many, to_hans: _hans_many}


def convert_html(html: str, convert: Callable[[str], str], *, attributes: bool = True) -> str:
    """Apply ``convert`` to the text nodes and (unless ``attributes`` is false) the readable attributes of ``html``,
    outside code blocks and comments, leaving URLs and e-mail addresses as they are.

    ``to_hant`` and ``to_hans`` convert a whole body in one batch; any other function is applied piece by piece.
    """
    many = _MANY.get(convert) or (lambda texts: [convert(text) for text in texts])
    return markup.convert_html(html, many, attributes=attributes)


def both_variants(text: str, language: str, *, html: bool = False) -> tuple[str, str]:
    """Return ``(traditional, simplified)`` for text written in ``language``."""
    if not text:
        return "", ""
    if language == HANS:
        return (convert_html(text, to_hant) if html else to_hant(text)), text
    return text, (convert_html(text, to_hans) if html else to_hans(text))


def to_script(text: str, language: str) -> str:
    """``text`` in ``language``'s script, e.g. a search query typed in either script."""
    return to_hans(text) if language == HANS else to_hant(text)


# --- lint: what conversion changed, before an editor publishes ----------------------


@dataclass(frozen=True)
class Change:
    before: str
    after: str


# Conversion keeps sentence ends (。！？ and line breaks): the texts are compared sentence by sentence, so the
# character diff (quadratic in its input) runs on a few dozen characters at a time instead of a whole article.
_SENTENCE_END = re.compile(r"(?<=[。！？!?\n])")


def changes(before: str, after: str) -> list[Change]:
    """The phrases conversion rewrote, in order, each once."""
    seen: set[tuple[str, str]] = set()
    found = []
    sentences_before, sentences_after = _SENTENCE_END.split(before), _SENTENCE_END.split(after)
    if len(sentences_before) != len(sentences_after):  # a sentence end changed: one diff of the whole
        sentences_before, sentences_after = [before], [after]
    for a, b in zip(sentences_before, sentences_after, strict=True):
        if a == b:
            continue
        matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            if op == "equal":
                continue
            pair = (a[a0:a1], b[b0:b1])
            if pair not in seen:
                seen.add(pair)
                found.append(Change(*pair))
    return found


def strip_tags(html: str) -> str:
    return markup.TAG_RE.sub(" ", html)


def mainland_terms(traditional_text: str) -> list[Change]:
    """Mainland words still present in Traditional text (what Taiwan conversion would still change)."""
    return changes(traditional_text, to_hant(traditional_text))


def glossary_hits(text: str, terms: Iterable[Term]) -> list[Term]:
    """Glossary terms that occur in ``text`` in either script."""
    return [t for t in terms if t.simplified in text or t.traditional in text]
