"""Traditional / Simplified conversion with OpenCC, done at write time.

Phrase-level conversion: Simplified to Taiwan Traditional with Taiwan vocabulary (OpenCC's
s2twp chain) and back (tw2sp, without the rare-character "tofu risk" tables). Two word lists
join OpenCC's own dictionaries, in both its segmentation and its conversion stages, so its
longest-phrase matching applies them only to whole phrases and a longer dictionary word wins:

* the house vocabulary (``dictionaries/house.tsv``): reviewed fixes for s2twp faults;
* the site glossary (``GlossaryTerm`` rows, managed by editors in the admin).

The config is generated at run time with absolute dictionary paths. One converter pair per
process per glossary, looked up by the glossary as read from the database at each conversion, so every
worker picks up a glossary edit at once, without a stamp or a restart.

Bodies are HTML: only text nodes are converted; tags, attributes, URLs and the contents of
``<code>``/``<pre>`` come out byte-identical.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import json
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import opencc

HANT = "zh-hant"
HANS = "zh-hans"

OPENCC_DATA = Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"
HOUSE_FILE = Path(__file__).resolve().parent / "dictionaries" / "house.tsv"

# A tag, with quoted attribute values that may themselves contain ">"; comments too.
_TAG_RE = re.compile(r"""<!--.*?-->|<(?:[^>"']|"[^"]*"|'[^']*')*>""", re.DOTALL)
_TAG_NAME_RE = re.compile(r"</?\s*([a-zA-Z][a-zA-Z0-9]*)")
_VERBATIM = {"code", "pre", "script", "style", "kbd", "samp"}
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Term:
    simplified: str
    traditional: str
    reverse: bool = True
    note: str = ""


@functools.cache
def house_terms() -> tuple[Term, ...]:
    """The reviewed house vocabulary shipped with the code."""
    terms = []
    for line in HOUSE_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        simplified, traditional, reverse, note = (line.split("\t") + ["", "", ""])[:4]
        terms.append(Term(simplified.strip(), traditional.strip(), reverse.strip() == "y", note.strip()))
    return tuple(terms)


def term_problem(simplified: str, traditional: str) -> str | None:
    """Why a glossary term would damage text, or None when it is safe to use."""
    for form in (simplified, traditional):
        if not form or any(ch.isspace() for ch in form):
            return "詞條不能是空白，也不能含有空格或換行。"
    if len(simplified) < 2 or len(traditional) < 2:
        return (
            "詞條至少要兩個字。單一字元會在每個含有它的詞裡被替換：例如把「卷」設為「成交量」，"
            "「席捲而來」就會變成「席成交量而來」。請改用完整的詞，例如「内卷 → 內捲」。"
        )
    if not _CJK_RE.search(simplified) or not _CJK_RE.search(traditional):
        return "詞條必須含有中文字；英文詞（例如 token）不會被中文詞條改寫。"
    if re.match(r"[A-Za-z0-9]", simplified[0]) or re.match(r"[A-Za-z0-9]", simplified[-1]):
        return "詞條不能以英文字母或數字開頭或結尾，否則會改寫較長英文單字的一部分（例如 token 之於 tokenizer）。"
    return None


# --- converters --------------------------------------------------------------------


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


def _build(glossary: Iterable[Term], folder: Path) -> tuple[opencc.OpenCC, opencc.OpenCC]:
    glossary = list(glossary)
    to_t = [(t.simplified, t.traditional) for t in house_terms()] + [(t.simplified, t.traditional) for t in glossary]
    to_s = [(t.traditional, t.simplified) for t in house_terms() if t.reverse] + [
        (t.traditional, t.simplified) for t in glossary if t.reverse
    ]
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


class _Converters:
    """The process's converter pairs, one per glossary it has met (a few at most), keyed by the glossary itself.

    The glossary is read from the database each time a conversion asks for it (``glossary_provider``), so every
    worker, command and task converts with the glossary as it is at that moment: there is no stamp to miss, no
    window in which a worker still uses an old one, and nothing kept in one worker's memory decides what is current.
    """

    KEEP = 4

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pairs: dict[tuple[Term, ...], tuple[opencc.OpenCC, opencc.OpenCC]] = {}

    def get(self) -> tuple[opencc.OpenCC, opencc.OpenCC]:
        glossary = getattr(_snapshot, "terms", None)
        if glossary is None:
            glossary = _sorted_terms(glossary_provider())
        pair = self._pairs.get(glossary)
        if pair is not None:
            return pair
        with self._lock:
            if glossary not in self._pairs:
                with tempfile.TemporaryDirectory(prefix="newsroom-opencc-") as folder:
                    pair = _build(glossary, Path(folder))
                while len(self._pairs) >= self.KEEP:
                    self._pairs.pop(next(iter(self._pairs)))
                self._pairs[glossary] = pair
            return self._pairs[glossary]

    def reset(self) -> None:
        with self._lock:
            self._pairs.clear()


_converters = _Converters()
_snapshot = threading.local()


def _sorted_terms(terms: Iterable[Term]) -> tuple[Term, ...]:
    return tuple(sorted(set(terms), key=lambda t: (t.simplified, t.traditional, t.reverse, t.note)))


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


def _no_glossary() -> tuple[Term, ...]:
    return ()


# Returns the site glossary's active, safe terms. This module knows no database: the app connects the provider that
# reads the ``GlossaryTerm`` rows (``articles.apps``); until then (and in pure uses) conversion has no glossary.
glossary_provider: Callable[[], Iterable[Term]] = _no_glossary


def set_glossary_provider(provider: Callable[[], Iterable[Term]]) -> None:
    global glossary_provider
    glossary_provider = provider


# --- conversion ------------------------------------------------------------------


def _clean(text: str) -> str:
    # Lone surrogates (from broken imports) cannot be encoded to UTF-8 for OpenCC.
    return _SURROGATE_RE.sub("\ufffd", text)


def to_hant(text: str) -> str:
    """Simplified (or mixed) text to Taiwan Traditional with Taiwan phrases."""
    if not text:
        return text or ""
    return _converters.get()[0].convert(_clean(text))


def to_hans(text: str) -> str:
    """Taiwan Traditional (or mixed) text to Simplified with mainland phrases."""
    if not text:
        return text or ""
    return _converters.get()[1].convert(_clean(text))


def convert_html(html: str, convert: Callable[[str], str]) -> str:
    """Apply ``convert`` to the text nodes of ``html`` outside code blocks and comments."""
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
            verbatim_depth = max(verbatim_depth + (-1 if tag.startswith("</") else 1), 0)
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


def changes(before: str, after: str) -> list[Change]:
    """The phrases conversion rewrote, in order, each once."""
    seen: set[tuple[str, str]] = set()
    found = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            continue
        pair = (before[a0:a1], after[b0:b1])
        if pair not in seen:
            seen.add(pair)
            found.append(Change(*pair))
    return found


def strip_tags(html: str) -> str:
    return _TAG_RE.sub(" ", html)


def mainland_terms(traditional_text: str) -> list[Change]:
    """Mainland words still present in Traditional text (what Taiwan conversion would still change)."""
    return changes(traditional_text, to_hant(traditional_text))


def glossary_hits(text: str, terms: Iterable[Term]) -> list[Term]:
    """Glossary terms that occur in ``text`` in either script."""
    return [t for t in terms if t.simplified in text or t.traditional in text]
