"""Hypothesis strategies for hostile values, and the settings every fuzz test runs with.

Values are plain ``str`` (lone surrogates included: a browser or a script can send their UTF-8-ish bytes),
turned into wire bytes by ``tests.fuzz.client``, never by the test client's own encoder, which would refuse them.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Fixed examples, no example database: the same inputs on every run and every machine (CI stability).
# FUZZ_EXAMPLES scales every test up for a long local hunt, e.g. FUZZ_EXAMPLES=10 (ten times as many).
SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))


def fuzz_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max(1, int(max_examples * SCALE)),
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=False,
        # One database world per test, reset per example by the harness (a savepoint rolled back).
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                               HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


NUL = "\x00"
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f", "\r", "\n", "\r\n", "\t"]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff", "\ud83d"]  # lone halves of a pair
BIDI = ["\u202e", "\u202d", "\u202a", "\u2066", "\u2067", "\u2069", "\u200f", "\u061c"]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3000", "\u00a0"]
FULL_WIDTH = ["１２３", "ａｄｍｉｎ", "＜ｓｃｒｉｐｔ＞", "％００", "／", "．．／", "＇", "＂", "－１"]
RARE_CJK = ["𠀀", "𪚥", "𰻞", "龘", "靐", "齉", "䨻", "㐀", "〇", "々", "丷", "⺀", "⿰",
            "比特币", "比特幣", "席捲而來"]
EMOJI = ["😀", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇹🇼", "🀄", "\U0001f9d1\U0001f3fd\u200d\U0001f4bb", "\ufe0f", "\u20e3"]
PAYLOADS = [
    "' OR '1'='1", "1; DROP TABLE articles_article; --", "\" OR \"\"=\"", "1 UNION SELECT password FROM auth_user",
    "%' OR 1=1 --", "\\'", "\\", "\\\\", "`", "$1", "?", "%", "_", "%%", "%_%",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "\"><svg/onload=alert(1)>", "</title><script>",
    "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "{{ 7*7 }}", "{% debug %}", "${7*7}",
    "<!--", "]]>", "<![CDATA[", "&amp;", "&#0;", "&#x0;", "&lt;", "&nbsp;", "&bogus;",
    "../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/passwd", "file:///etc/passwd", "//evil.example",
    "%00", "%2e%2e%2f", "%252e", "%25", "%ff%fe", "%ED%A0%80", "%C0%AE", "%E2%80%AE", "%", "%%", "%zz", "%u0000",
    "NaN", "-NaN", "Infinity", "-Infinity", "inf", "1e309", "-0", "0x10", "0o7", "1_000", "٣", "۱", "١٢",
    "None", "null", "undefined", "true", "[]", "{}", "__proto__", "constructor",
    "a" * 300, "字" * 300,
]
STRANGE_NUMBERS = [
    "0", "-1", "-0", "1.5", "1e3", "1e309", "NaN", "inf", " 1", "1 ", "+1", "0001", "١", "１", "²", "Ⅻ",
    str(2**31), str(2**31 - 1), str(2**63), str(2**63 - 1), str(-(2**63) - 1), str(2**64), "9" * 19, "9" * 100,
    "9" * 5000, "-" + "9" * 30, "1" + "0" * 400,
]

atoms = st.sampled_from(
    CONTROL + SURROGATES + BIDI + INVISIBLE + FULL_WIDTH + RARE_CJK + EMOJI + PAYLOADS
    + ["", " ", "'", '"', "<", ">", "&", "/", "..", "#", "?", "=", ";", ",", "+", "*"]
)
wild_char = st.one_of(st.characters(), st.characters(categories=["Cs"]))  # every code point, lone surrogates too


@st.composite
def long_strings(draw) -> str:
    unit = draw(st.one_of(atoms.filter(bool), st.sampled_from(["a", "字", "𠀀", "😀", "9"])))
    return unit * draw(st.integers(min_value=300, max_value=20_000 // max(1, len(unit))))


hostile_text = st.one_of(
    st.just(""),
    atoms,
    st.lists(atoms, min_size=2, max_size=6).map("".join),
    st.lists(st.one_of(atoms, wild_char), max_size=20).map("".join),
    long_strings(),
)

# What fits in a field a person would type into: no surrogates (a browser sends U+FFFD for those, and
# multipart bodies are built by the test client), but every other hostile value.
typed_text = hostile_text.map(lambda s: s.encode("utf-8", "replace").decode("utf-8"))

hostile_number = st.one_of(
    st.sampled_from(STRANGE_NUMBERS),
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    hostile_text,
)

hostile_value = st.one_of(hostile_text, hostile_number)


def percent(value: str) -> str:
    """``value`` percent-encoded as its UTF-8 bytes; lone surrogates become the bytes a sloppy client sends."""
    from urllib.parse import quote

    return quote(value.encode("utf-8", "surrogatepass"), safe="")


@st.composite
def path_segments(draw) -> str:
    """A path segment on the wire: percent-encoded hostile text, or raw percent sequences as typed."""
    if draw(st.booleans()):
        return draw(st.sampled_from(["%00", "%2F", "%2e%2e", "%ff", "%ED%A0%80", "%E2%80%AE", "%25", "a%00b",
                                     "%C0%80", "%F4%90%80%80"]))
    return percent(draw(hostile_value.filter(bool)))


def few_words(value: str, limit: int = 200) -> bool:
    """At most ``limit`` words: the admin's search costs a query clause per word (a known, separate case)."""
    return len(value.split()) <= limit


search_text = hostile_value.filter(few_words)
