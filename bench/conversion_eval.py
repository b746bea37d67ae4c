"""Score a Simplified → Taiwan Traditional converter on the evaluation set (issue 16).

The set, ``tests/data/conversion-eval.tsv``, was written for this project and split once into a development half and a
test half. Tune only on the development half (``dev_failures`` shows nothing else); report both halves.

A row passes when the converter's output equals the expected form or one of its ``also_acceptable`` forms. The
character error rate is the edit distance to the closest acceptable form, summed over the rows and divided by the
summed length of those closest forms, so long sentences weigh more than short ones.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

EVAL_SET = Path(__file__).resolve().parent.parent / "tests" / "data" / "conversion-eval.tsv"
SPLITS = ("dev", "test")


def load_rows(path: Path = EVAL_SET) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def acceptable_forms(row: dict[str, str]) -> list[str]:
    """The expected form first, then the alternatives a Taiwanese editor would also print."""
    also = [form.strip() for form in row["also_acceptable"].split(" / ") if form.strip()]
    return [row["expected_traditional_tw"], *also]


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance in characters (insert, delete, substitute all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def closest(output: str, row: dict[str, str]) -> tuple[int, str]:
    """(edit distance, form) of the acceptable form nearest to ``output``; ties go to the expected form."""
    distance, _, form = min((edit_distance(output, form), index, form)
                            for index, form in enumerate(acceptable_forms(row)))
    return distance, form


def evaluate(convert: Callable[[str], str], path: Path = EVAL_SET) -> dict[str, dict[str, float]]:
    """Per split: rows, exact-match pass rate and character error rate of ``convert``."""
    totals = {split: {"rows": 0, "passed": 0, "errors": 0, "chars": 0} for split in SPLITS}
    for row in load_rows(path):
        output = convert(row["simplified"])
        distance, form = closest(output, row)
        total = totals[row["split"]]
        total["rows"] += 1
        total["passed"] += distance == 0
        total["errors"] += distance
        total["chars"] += len(form)
    return {
        split: {"rows": t["rows"], "pass_rate": round(t["passed"] / t["rows"], 3),
                "cer": round(t["errors"] / t["chars"], 4)}
        for split, t in totals.items() if t["rows"]
    }


def dev_failures(convert: Callable[[str], str], path: Path = EVAL_SET) -> list[dict[str, str]]:
    """The development rows ``convert`` gets wrong, with its output: the only rows to look at while tuning."""
    failures = []
    for row in load_rows(path):
        if row["split"] != "dev":
            continue
        output = convert(row["simplified"])
        if output not in acceptable_forms(row):
            failures.append({**row, "output": output})
    return failures
