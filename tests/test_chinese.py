"""Conversion: Taiwan vocabulary at phrase level, a glossary that cannot damage words, HTML left intact."""

import csv
from pathlib import Path

import pytest

from articles import services
from articles.models import GlossaryTerm
from articles.text import chinese

CORPUS = Path(__file__).parent / "data" / "conversion-corpus.tsv"


def corpus_rows():
    with CORPUS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def acceptable_forms(row) -> set[str]:
    forms = {row["expected_traditional_tw"]}
    for part in row["note"].split("|"):
        if "also acceptable:" in part:
            forms.update(form.strip() for form in part.split("also acceptable:", 1)[1].split(" / "))
    return forms


def pass_rate(convert) -> float:
    rows = corpus_rows()
    return sum(convert(row["simplified"]) in acceptable_forms(row) for row in rows) / len(rows)


@pytest.mark.django_db
def test_corpus_pass_rate_beats_plain_opencc_by_a_wide_margin():
    import opencc

    plain = pass_rate(opencc.OpenCC("s2twp").convert)
    ours = pass_rate(chinese.to_hant)
    assert plain < 0.65  # the baseline the house vocabulary improves on
    assert ours >= 0.85, f"corpus pass rate {ours:.0%}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("simplified", "traditional"),
    [
        ("该公司表示，用户信息已经加密存储。", "資訊"),
        ("华为终端负责人余承东发表演讲。", "余承東"),
        ("该模型的参数量达到1750亿。", "參數量"),
        ("用户可以向粉丝发布新动态。", "粉絲發布"),
        ("研究人员展示了如何改变量子比特的状态。", "展示了如何改變量子位元"),
        ("质量守恒定律是物理学的基本定律。", "質量守恆"),
        ("产品质量问题导致大规模召回。", "產品品質問題"),
        ("本文由巴比特编译，比特币价格上涨。", "由巴比特編譯，比特幣價格上漲"),  # a name; 比特 alone is a bit (位元)
    ],
)
def test_taiwan_phrases_and_house_vocabulary(simplified, traditional):
    assert traditional in chinese.to_hant(simplified)


@pytest.fixture
def glossary(db):
    terms = [
        GlossaryTerm(simplified="成交量", traditional="成交量", note="市場用語"),
        GlossaryTerm(simplified="代币", traditional="代幣"),
        GlossaryTerm(simplified="币圈", traditional="幣圈"),
    ]
    for term in terms:
        services.glossary_term_save(term=term)
    return terms


def test_whole_words_survive_any_glossary(glossary):
    assert chinese.to_hant("监管风暴席卷而来") == "監管風暴席捲而來"
    assert "內捲" in chinese.to_hant("互联网行业的内卷")
    assert chinese.to_hant("模型每秒可生成100个token。") == "模型每秒可生成100個token。"
    assert "幣圈" in chinese.to_hant("币圈的代币")


def test_a_single_character_term_is_refused_with_the_reason(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as excinfo:
        services.glossary_term_save(term=GlossaryTerm(simplified="卷", traditional="成交量"))
    assert "席成交量而來" in str(excinfo.value)
    assert not GlossaryTerm.objects.exists()


@pytest.mark.parametrize("bad", [("token", "代幣"), ("AI币", "AI幣"), ("区块 链", "區塊鏈")])
def test_terms_that_could_rewrite_english_or_span_spaces_are_refused(db, bad):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.glossary_term_save(term=GlossaryTerm(simplified=bad[0], traditional=bad[1]))


@pytest.mark.django_db(transaction=True)
def test_a_glossary_edit_reaches_the_converter_after_commit():
    assert chinese.to_hant("链游玩家") != "鏈遊戲玩家"
    services.glossary_term_save(term=GlossaryTerm(simplified="链游", traditional="鏈遊戲"))
    assert chinese.to_hant("链游玩家") == "鏈遊戲玩家"
    assert chinese.to_hans("鏈遊戲玩家") == "链游玩家"
    services.glossary_term_delete(term=GlossaryTerm.objects.get())
    assert chinese.to_hant("链游玩家") != "鏈遊戲玩家"


def test_a_glossary_edit_applies_to_the_very_next_conversion_in_every_process(db):
    """No stamp and no check interval: six saves in a row after adding a term all convert with it."""
    assert chinese.to_hant("链游") != "鏈遊戲"
    GlossaryTerm.objects.create(simplified="链游", traditional="鏈遊戲")  # written by another process, say
    assert [chinese.to_hant("链游玩家") for _ in range(6)] == ["鏈遊戲玩家"] * 6
    GlossaryTerm.objects.filter(simplified="链游").update(active=False)  # even a bare queryset update
    assert chinese.to_hant("链游玩家") != "鏈遊戲玩家"


@pytest.mark.django_db
def test_html_markup_urls_and_code_are_byte_identical():
    html = (
        '<p class="x">信息<a href="https://example.com/信息?q=软件" title="软件 > 信息">网络</a></p>'
        "<pre><code>信息 = 软件()</code></pre><p>服务器<code>服务器</code></p>"
    )
    out = chinese.convert_html(html, chinese.to_hant)
    assert out == (
        '<p class="x">資訊<a href="https://example.com/信息?q=软件" title="軟體 > 資訊">網路</a></p>'
        "<pre><code>信息 = 软件()</code></pre><p>伺服器<code>服务器</code></p>"
    )


@pytest.mark.django_db
def test_converting_converted_text_changes_nothing():
    for row in corpus_rows():
        once = chinese.to_hant(row["simplified"])
        assert chinese.to_hant(once) == once, row["simplified"]


@pytest.mark.django_db
def test_hostile_text_neither_crashes_nor_hangs():
    assert chinese.to_hant("信息\ud800软件") == "資訊\ufffd軟體"
    broken = b"\xe4\xbf\xa1\xff\xfe\xe6\x81\xaf".decode("utf-8", errors="surrogateescape")
    assert chinese.to_hant(broken)
    big = "<p>" + "人工智能的信息席卷而来。" * 400_000 + "</p>"  # about 14 MB of UTF-8
    out = chinese.convert_html(big, chinese.to_hant)
    assert out.count("資訊") == 400_000


@pytest.mark.django_db
def test_lint_finds_mainland_terms_left_in_traditional_text():
    found = {(c.before, c.after) for c in chinese.mainland_terms("這個軟件的信息很有用")}
    assert ("件", "體") in found or ("軟件", "軟體") in found
    assert chinese.mainland_terms("這個軟體的資訊很有用") == []
