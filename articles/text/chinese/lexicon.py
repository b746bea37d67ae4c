"""Word lists: the reviewed house lexicon, OpenCC's phrase keys (for the segmenter), and what makes a glossary term
safe."""

from __future__ import annotations

import functools
import re
import subprocess  # noqa: S404 - runs OpenCC's own dictionary tool from the pinned wheel, never user input
import tempfile
from dataclasses import dataclass
from pathlib import Path

import opencc

OPENCC_ROOT = Path(opencc.__file__).resolve().parent / "clib"
OPENCC_DATA = OPENCC_ROOT / "share" / "opencc"
HOUSE_FILE = Path(__file__).resolve().parent.parent / "dictionaries" / "house.tsv"

_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


@dataclass(frozen=True)
class Term:
    simplified: str
    traditional: str
    reverse: bool = True
    note: str = ""
    domain: str = ""


def parse_house_line(line: str) -> Term | None:
    """One line of ``house.tsv``: simplified, Taiwan form, reverse (y/n), domain, reason.

    The older four-column form (simplified, Taiwan form, reverse, reason) still reads, with no domain.
    """
    if not line.strip() or line.startswith("#"):
        return None
    cells = [cell.strip() for cell in line.split("\t")]
    if len(cells) >= 5:
        simplified, traditional, reverse, domain, reason = cells[:5]
    else:
        simplified, traditional, reverse, reason = (cells + ["", "", ""])[:4]
        domain = ""
    return Term(simplified, traditional, reverse == "y", reason, domain)


@functools.cache
def house_terms() -> tuple[Term, ...]:
    """The reviewed house lexicon shipped with the code."""
    lines = HOUSE_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(term for term in map(parse_house_line, lines) if term is not None)


@functools.cache
def opencc_phrases(*names: str) -> tuple[str, ...]:
    """The phrases of OpenCC's tables (``STPhrases`` …), keys and values, read with OpenCC's own ``opencc_dict``.

    The segmenter learns these words so that a phrase OpenCC converts as a whole (系好 → 繫好) stays one segment, and
    its converted form too (台積電), so that converting converted text changes nothing.
    """
    tool = OPENCC_ROOT / "bin" / "opencc_dict"
    keys: list[str] = []
    with tempfile.TemporaryDirectory(prefix="newsroom-opencc-keys-") as folder:
        for name in names:
            target = Path(folder) / f"{name}.txt"
            subprocess.run(  # noqa: S603 - fixed arguments, our own paths
                [str(tool), "-i", str(OPENCC_DATA / f"{name}.ocd2"), "-o", str(target), "-f", "ocd2", "-t", "text"],
                check=True, capture_output=True, timeout=60,
            )
            for line in target.read_text(encoding="utf-8").splitlines():
                key, _, values = line.partition("\t")
                keys += [key, *values.split(" ")]
    return tuple(dict.fromkeys(key for key in keys if key))


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
