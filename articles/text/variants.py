"""Both script variants of a short text whose script nobody recorded (a picture's alt text, caption or credit, a
source's name): the text as typed stands for the script it was typed in, and only the other one is converted.

Converting Traditional text "to Traditional" is not a no-op (s2twp turns 一台 into 一臺, 台灣 into 臺灣): an editor's
Traditional wording, or an outlet's own name, must reach Traditional readers as typed, as an article's text does
in the script it was written in (``chinese.both_variants``).
"""

from __future__ import annotations

from articles.text import chinese


def _distance(before: str, after: str) -> int:
    """How many characters conversion rewrote (OpenCC keeps lengths for nearly every phrase)."""
    return sum(a != b for a, b in zip(before, after, strict=False)) + abs(len(before) - len(after))


def written_in(text: str, hant: str, hans: str) -> str:
    """The script ``text`` was typed in, judged by which conversion rewrites more of it (``hant`` and ``hans`` are
    its conversions). Text with no character of Simplified form (only Latin, digits, or characters both scripts
    share, like 八比特 or 公司) counts as Traditional and is kept as typed: only its words could change, and a
    name's words are its own (八比特 is not 八位元)."""
    if _distance(text, hant) > _distance(text, hans) and _has_simplified_character(text):
        return chinese.HANS
    return chinese.HANT


def _has_simplified_character(text: str) -> bool:
    """Whether a character of ``text`` changes when converted on its own (one conversion of all of them, one per
    line, so no phrase spans two)."""
    characters = "\n".join(dict.fromkeys(char for char in text if not char.isspace()))
    return chinese.to_hant(characters) != characters


def both_ways(text: str) -> tuple[str, str]:
    """``(traditional, simplified)`` for ``text`` typed in either script."""
    if not text:
        return "", ""
    hant, hans = chinese.to_hant(text), chinese.to_hans(text)
    if written_in(text, hant, hans) == chinese.HANS:
        return hant, text
    return text, hans
