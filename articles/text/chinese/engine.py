"""The converters: a word segmenter (jieba's DAG and word frequencies, via rjieba) feeding OpenCC segment by segment.

Simplified → Taiwan: jieba cuts the text into words with its frequency dictionary, which also knows OpenCC's phrase
keys, the house lexicon and the site glossary; OpenCC (s2twp's tables plus our two word lists) then converts each word
on its own, so a phrase never straddles a word boundary (後面|包括, not 後|麵包|括). In practice the words are joined
with a private-use separator that no dictionary contains and converted in one OpenCC call, then the separator is
removed: one call per text instead of one per word.

Taiwan → Simplified keeps OpenCC's own longest-match segmentation (jieba's dictionary is Simplified).
"""

from __future__ import annotations

import contextlib
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import opencc
import rjieba

from .lexicon import OPENCC_DATA, Term, house_terms, opencc_phrases

SEP = "\ue000"  # between words, inside one conversion
BOUNDARY = "\ue001"  # between independent pieces converted in one call
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134fa-zA-Z0-9+#&._%-]+")
PHRASE_TABLES = ("STPhrases", "STPhrases_GeneratedFromRegionalPhrases", "TWPhrases", "TWVariantsPhrases")


def _ocd2(name: str) -> dict:
    return {"type": "ocd2", "file": str(OPENCC_DATA / name)}


def _text(path: Path) -> dict:
    return {"type": "text", "file": str(path)}


def _write_dict(path: Path, pairs: Iterable[tuple[str, str]]) -> Path:
    # Later entries win for the same key (glossary over house vocabulary).
    mapping: dict[str, str] = {}
    for key, value in pairs:
        mapping[key] = value
    path.write_text("".join(f"{k}\t{v}\n" for k, v in sorted(mapping.items())), encoding="utf-8")
    return path


def _build_opencc(lexicon: list[Term], folder: Path) -> tuple[opencc.OpenCC, opencc.OpenCC]:
    to_t = [(t.simplified, t.traditional) for t in lexicon]
    to_s = [(t.traditional, t.simplified) for t in lexicon if t.reverse]
    # Outputs map to themselves too, so converting converted text changes nothing (余承東 stays 余承東).
    s2t_keep = _write_dict(folder / "site_s2t_keep.txt", ((v, v) for _, v in to_t))
    s2t = _write_dict(folder / "site_s2t.txt", [*((v, v) for _, v in to_t), *to_t])
    t2s_keep = _write_dict(folder / "site_t2s_keep.txt", ((v, v) for _, v in to_s))
    t2s = _write_dict(folder / "site_t2s.txt", [*((v, v) for _, v in to_s), *to_s])

    st_phrases = {"type": "group", "match_policy": "union",
                  "dicts": [_ocd2("STPhrases.ocd2"), _ocd2("STPhrases_GeneratedFromRegionalPhrases.ocd2")]}
    s2twp = {
        "name": "s2twp + newsroom vocabulary",
        "normalization": [{"dict": _ocd2("CJK_Compatibility_Ideographs.ocd2")}],
        "segmentation": {"type": "mmseg", "dict": {"type": "group", "match_policy": "union",
                                                   "dicts": [_text(s2t), *st_phrases["dicts"]]}},
        "conversion_chain": [
            {"dict": {"type": "group", "match_policy": "short_circuit",
                      "dicts": [_text(s2t), st_phrases, _ocd2("STCharacters.ocd2")]}},
            # Our outputs are final: keep the Taiwan stage from rewriting them.
            {"dict": {"type": "group", "match_policy": "short_circuit",
                      "dicts": [_text(s2t_keep), _ocd2("TWPhrases.ocd2"), _ocd2("TWVariantsPhrases.ocd2"),
                                _ocd2("TWVariants.ocd2")]}},
        ],
    }
    tw2sp = {
        "name": "tw2sp + newsroom vocabulary",
        "normalization": [{"dict": _ocd2("CJK_Compatibility_Ideographs.ocd2")}],
        "segmentation": {"type": "mmseg", "dict": {"type": "group", "match_policy": "union",
                                                   "dicts": [_text(t2s), _ocd2("TSPhrases.ocd2")]}},
        "conversion_chain": [
            {"dict": {"type": "group", "match_policy": "short_circuit",
                      "dicts": [_text(t2s), _ocd2("TWPhrasesRev.ocd2"), _ocd2("TWVariantsRevPhrases.ocd2"),
                                _ocd2("TWVariantsRev.ocd2")]}},
            {"dict": {"type": "group", "match_policy": "short_circuit",
                      "dicts": [_text(t2s_keep), _ocd2("TSPhrases.ocd2"), _ocd2("TSCharacters.ocd2")]}},
        ],
    }
    converters = []
    for name, config in (("s2twp.json", s2twp), ("tw2sp.json", tw2sp)):
        path = folder / name
        path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
        converters.append(opencc.OpenCC(str(path), include_tofu_risk_dictionaries=False))
    return converters[0], converters[1]


def _build_segmenter(lexicon: list[Term]) -> rjieba.Jieba:
    segmenter = rjieba.Jieba()
    # OpenCC's phrases: each at least as likely as its characters standing apart (jieba's suggested frequency, which
    # only ever raises a word's own), so a phrase stays whole unless the sentence reads likelier another way.
    for key in opencc_phrases(*PHRASE_TABLES):
        segmenter.add_word(key, None, None)
    # Our own words, both forms (converted text converts to itself): jieba's suggested frequency keeps each whole
    # where it stands as a word, without making it beat a likelier cut (放大|模型 stays, whatever 大模型 says).
    for term in lexicon:
        for word in (term.simplified, term.traditional):
            segmenter.add_word(word, None, None)
    return segmenter


class Converter:
    """One lexicon (house words + a glossary) compiled into OpenCC configs and, when ``segmented``, a segmenter."""

    def __init__(self, lexicon: Iterable[Term], *, segmented: bool = True) -> None:
        lexicon = list(lexicon)
        with tempfile.TemporaryDirectory(prefix="newsroom-opencc-") as folder:
            self._to_t, self._to_s = _build_opencc(lexicon, Path(folder))
        self._segmenter = _build_segmenter(lexicon) if segmented else None
        # jieba cuts at every character that is neither Chinese nor one of [A-Za-z0-9+#&._%-], so a word such as
        # 泰勒·斯威夫特 comes out in pieces: such words (a handful) are put back together before OpenCC sees them.
        joined = {word for term in lexicon for word in (term.simplified, term.traditional)
                  if not _HAN_RE.fullmatch(word)}
        self._rejoin = [(word, re.compile(f"{SEP}?".join(map(re.escape, word)))) for word in sorted(joined)]

    def hant_many(self, pieces: list[str]) -> list[str]:
        """Each piece to Taiwan Traditional, in one OpenCC call."""
        if self._segmenter is None:
            return _batched(self._to_t.convert, pieces)
        return _batched(self._segmented, pieces)

    def hans_many(self, pieces: list[str]) -> list[str]:
        return _batched(self._to_s.convert, pieces)

    def _segmented(self, text: str) -> str:
        words = self._segmenter.cut(text, False)
        if SEP in text or any(word in text for word, _ in self._rejoin):
            return self._joined(text, words)
        # Each distinct word once: a news text repeats its words, and a word converts the same wherever it stands
        # (the separator keeps OpenCC from matching across words), so this is the joined conversion, only shorter.
        distinct = list(dict.fromkeys(words))
        converted = self._to_t.convert(SEP.join(distinct)).split(SEP)
        if len(converted) != len(distinct):
            return self._joined(text, words)
        return "".join(map(dict(zip(distinct, converted, strict=True)).__getitem__, words))

    def _joined(self, text: str, words: list[str]) -> str:
        if SEP in text:  # a text that carries our separator itself: convert word by word instead (slow, exact)
            return "".join(self._to_t.convert(word) for word in words)
        joined = SEP.join(words)
        for word, pattern in self._rejoin:
            if word in text:
                joined = pattern.sub(word, joined)
        return self._to_t.convert(joined).replace(SEP, "")


def _batched(convert: Callable[[str], str], pieces: list[str]) -> list[str]:
    if len(pieces) == 1:
        return [convert(pieces[0])]
    if not any(BOUNDARY in piece for piece in pieces):
        parts = convert(BOUNDARY.join(pieces)).split(BOUNDARY)
        if len(parts) == len(pieces):
            return parts
    return [convert(piece) for piece in pieces]


# --- one converter per glossary, read at each conversion ------------------------------------------------------


def _no_glossary() -> tuple[Term, ...]:
    return ()


# Returns the site glossary's active, safe terms. This package knows no database: the app connects the provider that
# reads the ``GlossaryTerm`` rows (``articles.apps``); until then (and in pure uses) conversion has no glossary.
glossary_provider: Callable[[], Iterable[Term]] = _no_glossary


def set_glossary_provider(provider: Callable[[], Iterable[Term]]) -> Callable[[], Iterable[Term]]:
    """Make ``provider`` the source of the glossary; returns the one it replaces (to put back)."""
    global glossary_provider
    previous, glossary_provider = glossary_provider, provider
    return previous


def _sorted_terms(terms: Iterable[Term]) -> tuple[Term, ...]:
    return tuple(sorted(set(terms), key=lambda t: (t.simplified, t.traditional, t.reverse, t.note, t.domain)))


_snapshot = threading.local()


class Converters:
    """The process's converters, one per glossary it has met (a few at most), keyed by the glossary itself.

    The glossary is read from the database each time a conversion asks for it (``glossary_provider``), so every
    worker, command and task converts with the glossary as it is at that moment: there is no stamp to miss, no
    window in which a worker still uses an old one, and nothing kept in one worker's memory decides what is current.
    """

    KEEP = 4

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._converters: dict[tuple[Term, ...], Converter] = {}
        self._last: tuple[tuple[Term, ...] | None, Converter | None] = (None, None)

    def get(self) -> Converter:
        glossary = getattr(_snapshot, "terms", None)
        last_glossary, last_converter = self._last
        if glossary is not None and glossary is last_glossary and last_converter is not None:
            return last_converter  # the same snapshot as the previous field: no need to hash 500 terms again
        if glossary is None:
            glossary = _sorted_terms(glossary_provider())
        converter = self._converters.get(glossary)
        if converter is not None:
            self._last = (glossary, converter)
            return converter
        with self._lock:
            if glossary not in self._converters:
                converter = Converter([*house_terms(), *glossary])  # glossary after house: it wins
                while len(self._converters) >= self.KEEP:
                    self._converters.pop(next(iter(self._converters)))
                self._converters[glossary] = converter
            return self._converters[glossary]

    def reset(self) -> None:
        with self._lock:
            self._converters.clear()
            self._last = (None, None)


converters = Converters()


@contextlib.contextmanager
def one_glossary() -> Iterator[None]:
    """Convert everything inside with the glossary as read once at the start (one query for a whole article or page,
    and one glossary for all of its fields)."""
    if getattr(_snapshot, "terms", None) is not None:
        yield
        return
    _snapshot.terms = _sorted_terms(glossary_provider())
    try:
        yield
    finally:
        _snapshot.terms = None
