"""Feeds in the encodings Chinese sites use (GBK, GB18030, Big5 and its supersets, UTF-16 with and without a
byte order mark) are decoded before the XML parser; a file that cannot be read fails alone and the run finishes.

The feeds are written here with Python's codecs, so each test shows the bytes it feeds in.
"""

from __future__ import annotations

import contextlib
import io
import random
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from articles import importers, services
from articles.importers import Failure, Record, decoding, feeds
from articles.models import Article, ImportRun
from tests.factories import SourceFactory
from tests.test_importers import FeedServer


def feed_text(titles: list[str], *, declared: str | None, channel: str = "News digest", guid: str = "item") -> str:
    """An RSS 2.0 document with one item per title; ``declared`` goes into the XML declaration."""
    declaration = f'<?xml version="1.0" encoding="{declared}"?>\n' if declared else ""
    items = "".join(
        f"<item><title>{title}</title><guid isPermaLink=\"false\">{guid}-{number}</guid>"
        f"<description>&lt;p&gt;{title}&lt;/p&gt;</description></item>"
        for number, title in enumerate(titles, start=1)
    )
    return (f'{declaration}<rss version="2.0"><channel><title>{channel}</title>'
            f"<link>https://news.example/</link>{items}</channel></rss>")


def titles_of(items) -> list[str]:
    assert not [item for item in items if isinstance(item, Failure)], items
    return [item.title for item in items if isinstance(item, Record)]


# --- the readers ---------------------------------------------------------------------


@pytest.mark.parametrize(("codec", "declared", "titles"), [
    ("gbk", "GBK", ["台湾半导体产业创下新高", "网络安全法草案公布"]),
    ("gb2312", "gb2312", ["网络安全法草案公布"]),
    # Declared GB2312, written by a GBK encoder (镕 is not in GB2312): read as the GB18030 superset.
    ("gbk", "GB2312", ["朱镕基回忆录出版"]),
    # GB18030's four-byte sequences (𠮷, U+20BB7, is outside the BMP; 㗎 is not in GBK).
    ("gb18030", "GB18030", ["𠮷野家开设新店", "香港茶餐厅㗎"]),
    ("gb18030", "gbk", ["𠮷野家开设新店"]),
    ("big5", "Big5", ["臺灣新聞：半導體產業創新高", "冇問題"]),
    # Big5 as Windows writes it (cp950: € at A3E1, 碁 at F9D6), declared plain Big5.
    ("cp950", "big5", ["歐元€升值", "圍碁名人戰"]),
    # Big5 as Hong Kong writes it (HKSCS: 㗎, 啲, 嘅), declared plain Big5 or Big5-HKSCS.
    ("big5hkscs", "big5", ["香港茶餐廳嘅奶茶㗎", "啲嘢"]),
    ("big5hkscs", "Big5-HKSCS", ["香港茶餐廳嘅奶茶㗎"]),
    ("gbk", "x-gbk", ["网络安全法草案公布"]),
])
def test_legacy_chinese_encodings_are_decoded_before_the_xml_parser(codec, declared, titles):
    data = feed_text(titles, declared=declared).encode(codec)
    assert titles_of(importers.read_bytes(data, origin="feed.xml")) == titles


@pytest.mark.parametrize(("codec", "declared", "bom"), [
    ("utf-16-le", "UTF-16", True),
    ("utf-16-be", "UTF-16", True),
    ("utf-16-le", "UTF-16", False),
    ("utf-16-be", "utf-16", False),
    ("utf-16-le", None, False),
    ("utf-32-le", "UTF-32", True),
    ("utf-32-be", None, False),
    ("utf-8", "UTF-8", True),
    # The byte order mark decides, whatever the declaration says.
    ("utf-8", "GBK", True),
    ("utf-16-le", "GBK", True),
])
def test_unicode_encodings_are_recognised_with_or_without_a_byte_order_mark(codec, declared, bom):
    titles = ["臺灣新聞：半導體產業創新高", "网络安全法草案公布"]
    data = feed_text(titles, declared=declared).encode(codec)
    if bom:
        data = "\ufeff".encode(codec) + data
    assert titles_of(importers.read_bytes(data, origin="feed.xml")) == titles


def test_leading_white_space_before_the_declaration_is_tolerated():
    data = b"\r\n  " + feed_text(["網路新聞"], declared="Big5").encode("big5")
    assert titles_of(importers.read_bytes(data, origin="feed.xml")) == ["網路新聞"]


def test_a_declaration_of_utf16_over_ascii_compatible_bytes_is_ignored():
    data = feed_text(["網路新聞"], declared="UTF-16").encode("utf-8")
    assert titles_of(importers.read_bytes(data, origin="feed.xml")) == ["網路新聞"]


def test_json_in_utf16_is_read_too():
    data = '[{"guid": "u16", "title": "臺灣新聞", "body": "<p>x</p>", "source": "X"}]'.encode("utf-16")
    assert titles_of(importers.read_bytes(data, origin="feed.json")) == ["臺灣新聞"]


@pytest.mark.parametrize(("data", "reason"), [
    # A GBK file declared as UTF-8 (and no charset from anywhere to say otherwise).
    (feed_text(["网络安全"], declared="UTF-8").encode("gbk"), "無法以宣告或偵測到的編碼（utf-8）解碼"),
    # Bytes no GB18030 decoder accepts (0xFF never starts a character).
    (feed_text(["网络"], declared="GBK").encode("gbk").replace(b"</title>", b"\xff\xff</title>", 1),
     "無法以宣告或偵測到的編碼（gb18030）解碼"),
    # Big5 bytes that neither cp950 nor Big5-HKSCS knows.
    (feed_text(["新聞"], declared="Big5").encode("big5").replace(b"</title>", b"\xa3\xfe\xfe</title>", 1),
     "無法以宣告或偵測到的編碼（cp950、big5hkscs）解碼"),
    (feed_text(["新聞"], declared="x-mac-klingon").encode("utf-8"), "不支援的字元編碼：'x-mac-klingon'"),
    (feed_text(["新聞"], declared="rot13").encode("utf-8"), "不支援的字元編碼：'rot13'"),
    # A UTF-16 mark over an odd number of bytes.
    (b"\xff\xfe" + "<rss/>".encode("utf-16-le") + b"<", "無法以宣告或偵測到的編碼（utf-16-le）解碼"),
])
def test_a_document_that_cannot_be_decoded_fails_as_a_whole_with_the_reason(data, reason):
    [failure] = importers.read_bytes(data, origin="feed.xml")
    assert failure.position == "file" and reason in failure.reason, failure.reason


def test_the_http_charset_is_used_and_a_wrong_one_gives_way_to_the_declaration(settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = True  # the test server is on loopback
    undeclared = feed_text(["网络安全法草案公布"], declared=None).encode("gbk")
    mislabelled = feed_text(["臺灣新聞"], declared="Big5").encode("big5")
    with FeedServer() as server:
        by_header = server.route("/gbk.xml", undeclared, headers={"Content-Type": "application/rss+xml; charset=GBK"})
        wrong_header = server.route("/big5.xml", mislabelled,
                                    headers={"Content-Type": 'text/xml; charset="utf-8"'})
        assert titles_of(importers.read_url(by_header)) == ["网络安全法草案公布"]
        assert titles_of(importers.read_url(wrong_header)) == ["臺灣新聞"]


def test_the_decoded_document_reaches_the_parsers_as_utf8_with_its_declaration_rewritten():
    data = feed_text(["新聞"], declared="Big5").encode("big5")
    assert decoding.utf8_xml(data).startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert decoding.utf8_xml(data).decode("utf-8") == feed_text(["新聞"], declared="utf-8")


# --- a whole run ---------------------------------------------------------------------


@pytest.fixture
def mixed_folder(tmp_path: Path) -> Path:
    """Good feeds in GBK, Big5 and GB18030, a good JSON file, and two files that cannot be read."""
    (tmp_path / "a-gbk.xml").write_bytes(
        feed_text(["台湾半导体产业创下新高", "网络安全法草案公布"], declared="GBK", guid="gbk").encode("gbk"))
    (tmp_path / "b-big5.xml").write_bytes(
        feed_text(["臺灣新聞：半導體產業創新高"], declared="Big5", guid="big5").encode("big5"))
    (tmp_path / "c-gb18030.xml").write_bytes(
        feed_text(["𠮷野家开设新店"], declared="GB18030", guid="gb18030").encode("gb18030"))
    (tmp_path / "d-broken.xml").write_bytes(
        feed_text(["网络"], declared="GBK").encode("gbk").replace(b"</title>", b"\xff\xff</title>", 1))
    (tmp_path / "e-crash.xml").write_bytes(feed_text(["CRASH"], declared="UTF-8").encode("utf-8"))
    (tmp_path / "f-good.json").write_text(
        '[{"guid": "json-1", "title": "JSON 的新聞", "body": "<p>x</p>", "source": "X"}]', encoding="utf-8")
    return tmp_path


@pytest.fixture
def crashing_parser(monkeypatch):
    """feedparser raising something no reader expects, for one document (a bug we have not met yet)."""
    parse = feeds.feedparser.parse

    def fragile(stream, *args, **kwargs):
        data = stream.read()
        if b"CRASH" in data:
            raise RuntimeError("the parser fell over")
        return parse(io.BytesIO(data), *args, **kwargs)

    monkeypatch.setattr(feeds.feedparser, "parse", fragile)


@pytest.mark.django_db
def test_feeds_in_every_encoding_import_and_broken_files_fail_alone(mixed_folder, crashing_parser):
    source = SourceFactory(name="測試來源", slug="encodings")
    result = services.articles_import(paths=[mixed_folder], source=source)
    assert (result.created, result.failed) == (5, 2)
    assert dict(Article.objects.values_list("guid", "title_hant")) == {
        "gbk-1": "臺灣半導體產業創下新高",
        "gbk-2": "網路安全法草案公布",
        "big5-1": "臺灣新聞：半導體產業創新高",
        "gb18030-1": "𠮷野家開設新店",
        "json-1": "JSON 的新聞",
    }
    failed = [line.text for line in result.lines if line.kind == "failed"]
    bad_byte = (mixed_folder / "d-broken.xml").read_bytes().index(b"\xff\xff") + 1
    assert failed == [
        f"{mixed_folder / 'd-broken.xml'}: file: 無法以宣告或偵測到的編碼（gb18030）解碼：第 {bad_byte} 位元組無效",
        f"{mixed_folder / 'e-crash.xml'}: file: 無法讀取這個檔案：RuntimeError: the parser fell over",
    ]
    run = ImportRun.objects.get()
    assert run.finished_at is not None and (run.created, run.failed) == (5, 2)
    assert "d-broken.xml" in run.report and "e-crash.xml" in run.report


@pytest.mark.django_db
def test_the_command_imports_the_good_files_and_exits_1_for_the_broken_ones(mixed_folder, crashing_parser):
    SourceFactory(name="測試來源", slug="encodings")
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_articles", "--source", "encodings", str(mixed_folder), stdout=out, stderr=io.StringIO())
    assert raised.value.returncode == 1
    assert out.getvalue().strip().splitlines()[-1] == "created 5, updated 0, unchanged 0, failed 2"
    assert ImportRun.objects.get().finished_at is not None


# --- generated hostile documents -----------------------------------------------------


LABELS = ["GBK", "gb2312", "GB18030", "Big5", "big5-hkscs", "cp950", "UTF-16", "utf-32", "UTF-8", "x-gbk",
          "iso-8859-1", "shift_jis", "utf-7", "rot13", "base64", "idna", "punycode", "unicode_escape",
          "undefined", "charmap", "x-unknown", "utf-8\x00", "", "  gbk  "]
PIECES = [b"<?xml version='1.0' encoding='%s'?>", b"<rss version='2.0'>", b"<channel>", b"<title>", b"</title>",
          b"<item>", b"</item>", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xff", b"\xa3\xe1", b"\x81\x30",
          "新聞".encode("big5"), "新闻".encode("gbk"), "<\x00".encode("latin-1"), b"&amp;", b"<![CDATA[", b"]]>",
          b"<!DOCTYPE x [<!ENTITY e 'x'>]>", b"</channel></rss>", b"[", b"{", b'"', b"\r\n"]


def test_generated_documents_in_hostile_encodings_never_escape_the_reader():
    """Seeded random documents: every one gives records or failures, never an exception."""
    rng = random.Random(18)
    for _ in range(1500):
        label = rng.choice(LABELS)
        parts = [rng.choice(PIECES) for _ in range(rng.randrange(1, 12))]
        data = b"".join(part.replace(b"%s", label.encode("latin-1", "replace")) for part in parts)
        charset = rng.choice(["", "", label, "gbk", "utf-8"])
        items = importers.read_bytes(data, origin="fuzz.xml", charset=charset)
        assert all(isinstance(item, (Record, Failure)) for item in items), (data, charset)
        with contextlib.suppress(importers.Invalid):
            decoding.utf8_xml(data, charset=charset).decode("utf-8")
