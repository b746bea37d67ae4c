"""The conversion evaluation set (tests/data/conversion-eval.tsv) is well formed, and bench/conversion_eval.py scores
what it claims to. Nothing here asserts how well any converter does: those figures belong in `make bench`."""

import collections

import opencc
import pytest

from bench.conversion_eval import EVAL_SET, acceptable_forms, dev_failures, edit_distance, evaluate, load_rows

COLUMNS = ["id", "domain", "split", "simplified", "expected_traditional_tw", "also_acceptable", "reason"]
DOMAINS = {"tech", "crypto", "finance", "politics", "sport", "culture", "science", "health", "life", "names"}
ROWS = load_rows()


def test_header_and_size():
    with EVAL_SET.open(encoding="utf-8") as handle:
        assert handle.readline().rstrip("\n").split("\t") == COLUMNS
    assert len(ROWS) >= 400
    assert all(None not in row and len(row) == len(COLUMNS) for row in ROWS)  # no row with a stray tab


def test_ids_are_unique_and_name_their_domain():
    ids = [row["id"] for row in ROWS]
    assert len(ids) == len(set(ids))
    assert {row["domain"] for row in ROWS} == DOMAINS
    assert all(row["id"].rsplit("-", 1)[0] == row["domain"] for row in ROWS)
    sentences = [row["simplified"] for row in ROWS]
    assert len(sentences) == len(set(sentences))


def test_no_empty_fields_and_every_row_has_a_reason():
    for row in ROWS:
        empty = [column for column in COLUMNS if column != "also_acceptable" and not row[column].strip()]
        assert not empty, (row["id"], empty)


def test_both_halves_are_balanced_per_domain():
    assert {row["split"] for row in ROWS} == {"dev", "test"}
    counts = collections.Counter((row["domain"], row["split"]) for row in ROWS)
    for domain in DOMAINS:
        assert counts[domain, "dev"] and counts[domain, "test"], domain
        assert abs(counts[domain, "dev"] - counts[domain, "test"]) <= 2, domain


def test_sentences_are_news_length_and_simplified():
    to_simplified = opencc.OpenCC("t2s")
    for row in ROWS:
        assert 10 <= len(row["simplified"]) <= 40, row["id"]
        assert to_simplified.convert(row["simplified"]) == row["simplified"], row["id"]  # no Traditional slipped in


def test_expected_forms_differ_from_the_source_where_there_is_something_to_convert():
    to_traditional = opencc.OpenCC("s2t")
    for row in ROWS:
        if to_traditional.convert(row["simplified"]) != row["simplified"]:
            assert all(form != row["simplified"] for form in acceptable_forms(row)), row["id"]


def test_acceptable_forms_are_distinct_taiwan_forms():
    taiwan_variants = opencc.OpenCC("t2tw")  # 裏→裡, 着→著, 爲→為 …: only Taiwan's standard character forms
    for row in ROWS:
        forms = acceptable_forms(row)
        assert len(forms) == len(set(forms)), row["id"]
        for form in forms:
            assert not set(form) & set("{}|\t"), row["id"]
            assert taiwan_variants.convert(form) == form, (row["id"], form)


def test_edit_distance():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("", "台灣") == 2
    assert edit_distance("臺灣", "台灣") == 1
    assert edit_distance("後來", "後來") == 0


@pytest.fixture
def small_set(tmp_path):
    path = tmp_path / "eval.tsv"
    lines = ["\t".join(COLUMNS),
             "a-1\ta\tdev\t台湾\t台灣\t臺灣\tr",
             "a-2\ta\tdev\t后来\t後來\t\tr",
             "a-3\ta\ttest\t头发\t頭髮\t\tr"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_evaluate_counts_alternatives_and_the_closest_form(small_set):
    answers = {"台湾": "臺灣", "后来": "后來", "头发": "頭發"}  # an alternative; one wrong character each
    figures = evaluate(answers.__getitem__, small_set)
    assert figures["dev"] == {"rows": 2, "pass_rate": 0.5, "cer": 0.25}
    assert figures["test"] == {"rows": 1, "pass_rate": 0.0, "cer": 0.5}


def test_dev_failures_never_show_a_test_row(small_set):
    failures = dev_failures(lambda text: text, small_set)
    assert [row["id"] for row in failures] == ["a-1", "a-2"]
    assert all(row["split"] == "dev" for row in dev_failures(lambda text: text))


def test_a_perfect_converter_scores_full_marks():
    expected = {row["simplified"]: row["expected_traditional_tw"] for row in ROWS}
    figures = evaluate(expected.__getitem__)
    assert set(figures) == {"dev", "test"}
    assert all(half["pass_rate"] == 1.0 and half["cer"] == 0.0 for half in figures.values())
