"""Every import format with hostile content — JSON records with hostile fields and types, RSS and Atom
documents in every encoding, raw bytes — through ``services.articles_import`` and the command.
Never an exception out of the run, and the report accounts for every record: each one created, updated,
unchanged or failed with its position, none failed by an *unexpected* error (a hidden 500)."""

from __future__ import annotations

import json
import re
from itertools import count
from xml.sax.saxutils import escape

from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from hypothesis import event, given
from hypothesis import strategies as st

from articles import services
from articles.models import Article
from tests.fuzz import known
from tests.fuzz.client import Rollback, Sent, ServerError
from tests.fuzz.strategies import STRANGE_NUMBERS, fuzz_settings, hostile_text, hostile_value

UNEXPECTED = "未預期的錯誤"
_names = count()


def run_import(tmp_path, files: dict[str, bytes], **kwargs):
    """Write the files, import them in a savepoint rolled back afterwards; the result (or None: a known case)."""
    folder = tmp_path / f"run{next(_names)}"
    folder.mkdir()
    paths = []
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths.append(folder / name)
    cache.clear()
    result = None
    try:
        with transaction.atomic():
            result = services.articles_import(paths=[str(p) for p in paths if p.suffix != ".img"], **kwargs)
            raise Rollback
    except Rollback:
        pass
    except Exception as exc:
        sent = Sent("IMPORT", ", ".join(p.name for p in paths), body=b"".join(files.values())[:600])
        if known.match(sent, exc) is not None:
            return None
        raise ServerError(f"import raised {type(exc).__name__}: {exc}\n  files: {sent}") from exc
    return result


def assert_clean_report(result, records: int | None = None) -> None:
    if result is None:
        event("a known case")
        return
    # Shown by --hypothesis-show-statistics: how far hostile input got (landed, refused per record, per file).
    event("some landed" if result.created or result.updated else "none landed")
    event("a record failed" if any(": file: " not in line.text for line in result.lines if line.kind == "failed")
          else "no record failed")
    unexpected = [line.text for line in result.lines if UNEXPECTED in line.text]
    assert not unexpected, "\n".join(unexpected)
    total = result.created + result.updated + result.unchanged + result.failed
    failed_lines = [line for line in result.lines if line.kind == "failed"]
    assert len(failed_lines) == result.failed, result.report
    if records is not None:
        assert total == records, (total, records, result.report)
    for line in failed_lines:  # "file: position: reason", position a record/item/line/file
        assert re.search(r": (record \d+|item \d+|line \d+|file|url)( \(line \d+\))?: ", line.text), line.text


# --- JSON ---------------------------------------------------------------------------------------

def good_record(n: int) -> dict:
    return {"guid": f"fuzz-{n}", "url": f"https://outlet.example/a/{n}", "title": f"標題{n}",
            "summary": "摘要", "body": "<p>內文</p>", "language": "zh-Hant",
            "published_at": "2023-07-12T08:00:00+08:00", "author": "記者",
            "source": {"name": "外部媒體", "url": "https://outlet.example"},
            "original_source": {"name": "少数派", "url": "https://sspai.com"},
            "tags": ["GPT-4", "OpenAI"], "copyright": "版权归作者所有"}


FIELDS = ["guid", "url", "title", "summary", "body", "language", "published_at", "author", "source",
          "original_source", "tags", "image", "copyright"]
IMAGE_URLS = ["http://127.0.0.1/a.jpg", "http://[::1]/a.jpg", "http://[::ffff:127.0.0.1]/a.jpg",
              "http://[64:ff9b::a00:1]/a.jpg", "http://[2002:7f00:1::]/a.jpg", "http://10.0.0.1/a.jpg",
              "http://169.254.169.254/latest/meta-data/", "http://0x7f000001/a.jpg", "http://2130706433/a.jpg",
              "file:///etc/passwd", "ftp://127.0.0.1/a.jpg", "javascript:alert(1)", "//127.0.0.1/a.jpg",
              "http://127.0.0.1:99999/a.jpg", "http://[::1/a.jpg", "http://\x00/a.jpg"]
IMAGE_PATHS = ["pic.img", "../pic.img", "/etc/passwd", "pic.img\x00.jpg", "missing.jpg", ".", "", "pic.img/x",
               "..\\pic.img", "%2e%2e/pic.img"]

json_scalars = st.one_of(hostile_value, st.integers(min_value=-(2**70), max_value=2**70),
                         st.floats(allow_nan=False), st.booleans(), st.none())
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                    st.dictionaries(hostile_text, inner, max_size=3)),
                           max_leaves=6)
outlets = st.fixed_dictionaries({"name": hostile_text, "url": st.one_of(hostile_text, st.sampled_from(
    ["https://outlet.example", "https://newsroom.example", "http://WWW.OUTLET.EXAMPLE:8080/x", "https://xn--",
     "https://例子.測試", "https://[::1]", "https://a" + ".b" * 200]))})
images = st.fixed_dictionaries({}, optional={"path": st.sampled_from(IMAGE_PATHS), "url": st.sampled_from(IMAGE_URLS),
                                            "credit": hostile_text, "alt": hostile_text, "caption": hostile_text,
                                            "ai_generated": json_scalars})
field_values = {
    "source": st.one_of(outlets, json_values), "original_source": st.one_of(outlets, json_values),
    "image": st.one_of(images, json_values), "tags": st.one_of(st.lists(hostile_text, max_size=40), json_values),
    "published_at": st.one_of(st.sampled_from(["2023-02-30T00:00:00", "9999-12-31T23:59:59-14:00",
                                               "0001-01-01T00:00:00+14:00", "2023-07-12", "2023-07-12T08:00:00Z",
                                               "+002023-07-12T08:00:00", *STRANGE_NUMBERS]), json_values),
    "language": st.one_of(st.sampled_from(["zh-Hans", "zh-hant", "ZH-TW", "zh_CN", "en", "zh-Hant\x00"]),
                          json_values),
}


@st.composite
def json_records(draw) -> dict:
    record = good_record(draw(st.integers(min_value=0, max_value=5)))
    for name in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=5, unique=True)):
        strategy = field_values.get(name, st.one_of(hostile_value, json_values))
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            record.pop(name, None)
        else:
            record[name] = draw(strategy)
    return record


IMAGE_BYTES = st.one_of(st.binary(max_size=300), st.sampled_from([
    b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, b"\xff\xd8\xff\xe0" + b"\x00" * 30,
    b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", b""]))


@fuzz_settings(120)
@given(records=st.lists(json_records(), min_size=1, max_size=4), wrapped=st.booleans(), image=IMAGE_BYTES,
       indent=st.sampled_from([None, 1]), bom=st.booleans())
def test_json_records_with_hostile_fields(world, tmp_path, records, wrapped, image, indent, bom):
    document = {"articles": records} if wrapped else records
    text = json.dumps(document, ensure_ascii=False, indent=indent)
    data = ("\ufeff" if bom else "").encode() + text.encode("utf-8", "surrogatepass")
    result = run_import(tmp_path, {"fuzz.json": data, "pic.img": image})
    assert_clean_report(result, records=len(records))


@fuzz_settings(60)
@given(data=st.one_of(st.binary(max_size=400), hostile_text.map(lambda s: s.encode("utf-8", "surrogatepass")),
                      json_values.map(lambda v: json.dumps(v).encode()),
                      st.sampled_from([b"[" * 100_000, b"{\"articles\": " + b"[" * 5000, b"[]", b"{}", b"null",
                                       b"{\"articles\": {}}", b"\xef\xbb\xbf", b"\xff\xfe[\x00]\x00",
                                       b"[1e999999]", b"[" + b"1," * 50_000 + b"1]",
                                       b"[\"\\ud800\"]", b"[{\"title\": \"\\u0000\"}]"])),
       suffix=st.sampled_from([".json", ".xml", ".rss", ".atom"]))
def test_raw_bytes_in_any_import_file(world, tmp_path, data, suffix):
    result = run_import(tmp_path, {f"raw{suffix}": data})
    assert_clean_report(result)


# --- RSS and Atom ---------------------------------------------------------------------------------

ENCODINGS = ["utf-8"] * 4 + ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gbk", "gb18030", "big5", "latin-1"]
DATES = ["Wed, 12 Jul 2023 08:00:00 +0800", "Mon, 99 Foo 2023 99:99:99 +9999", "2023-07-12T08:00:00+08:00",
         "", "0", "Thu, 01 Jan 1970 00:00:00 GMT", "Fri, 31 Dec 9999 23:59:59 -1400"]
feed_text = st.one_of(hostile_value, st.sampled_from(["<![CDATA[<script>alert(1)</script>]]>", "&amp;lt;b&amp;gt;",
                                                      "<b>粗體</b>", "&#0;", "&#xD800;", "&nbsp;", "]]>"]))


_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _attr(value: str) -> str:
    return value.replace('"', "&quot;")


@st.composite
def xml_values(draw, default: str) -> str:
    """Mostly the well-formed default (so records get as far as the importer's own checks); else a hostile
    value, escaped and without the characters XML forbids — or, now and then, raw (the file may then
    fail as a whole, which must be reported for that file alone)."""
    choice = draw(st.integers(min_value=0, max_value=9))
    if choice < 6:
        return escape(default)
    value = draw(feed_text)
    if choice == 9:
        return value
    return escape(_XML_ILLEGAL.sub("", value))


@st.composite
def feeds(draw) -> tuple[bytes, int]:
    kind = draw(st.sampled_from(["rss", "atom"]))
    title = draw(xml_values("訂閱的摘要"))
    items = []
    for n in range(draw(st.integers(min_value=0, max_value=3))):
        values = {key: draw(xml_values(default)) for key, default in [
            ("title", f"第{n}則"), ("link", f"https://feeds.example/{n}"), ("guid", f"g{n}"),
            ("body", "<p>內文</p>"), ("date", draw(st.sampled_from(DATES))), ("tag", "標籤"), ("author", "記者"),
            ("image", "http://127.0.0.1/a.jpg"), ("source", "上游")]}
        if kind == "rss":
            items.append(
                f"<item><title>{values['title']}</title><link>{values['link']}</link><guid>{values['guid']}</guid>"
                f"<description>{escape(values['body'])}</description><pubDate>{values['date']}</pubDate>"
                f"<category>{values['tag']}</category><author>{values['author']}</author>"
                f"<enclosure url=\"{_attr(values['image'])}\" type=\"image/jpeg\"/>"
                f"<source url=\"https://upstream.example/\">{values['source']}</source></item>")
        else:
            items.append(
                f"<entry><title>{values['title']}</title><link href=\"{_attr(values['link'])}\"/>"
                f"<id>{values['guid']}</id><updated>{values['date']}</updated>"
                f"<content type=\"html\">{escape(values['body'])}</content><category term=\"{_attr(values['tag'])}\"/>"
                f"<author><name>{values['author']}</name></author></entry>")
    encoding = draw(st.sampled_from(ENCODINGS))
    declared = draw(st.sampled_from([encoding.removesuffix("-sig")] * 4 + ["utf-8", "gbk", "big5", "bogus", None]))
    head = f'<?xml version="1.0" encoding="{declared}"?>' if declared else '<?xml version="1.0"?>'
    if kind == "rss":
        body = (f'{head}<rss version="2.0"><channel><title>{title}</title><link>https://feeds.example/</link>'
                f'<language>zh-TW</language>{"".join(items)}</channel></rss>')
    else:
        body = (f'{head}<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>'
                f'<link href="https://feeds.example/"/>{"".join(items)}</feed>')
    return body.encode(encoding, "xmlcharrefreplace" if "utf" not in encoding else "surrogatepass"), len(items)


@fuzz_settings(120)
@given(feed=feeds(), suffix=st.sampled_from([".xml", ".rss", ".atom"]))
def test_rss_and_atom_documents(feed_source, tmp_path, feed, suffix):
    data, _items = feed
    result = run_import(tmp_path, {f"feed{suffix}": data}, source=feed_source)
    assert_clean_report(result)


# --- the command: a hostile file among good ones fails alone --------------------------------------

@fuzz_settings(30)
@given(bad=st.one_of(st.binary(max_size=300), st.lists(json_records(), min_size=1, max_size=2).map(
    lambda records: json.dumps(records, ensure_ascii=False).encode("utf-8", "surrogatepass"))))
def test_the_command_imports_the_good_file_beside_a_hostile_one(world, tmp_path, bad):
    folder = tmp_path / f"cmd{next(_names)}"
    folder.mkdir()
    (folder / "a-bad.json").write_bytes(bad)
    good = {**good_record(0), "guid": "the-good-one", "title": "好的那一篇"}
    (folder / "b-good.json").write_text(json.dumps([good], ensure_ascii=False), encoding="utf-8")
    cache.clear()
    try:
        with transaction.atomic():
            try:
                call_command("import_articles", str(folder), stdout=open("/dev/null", "w"))  # noqa: SIM115
            except CommandError as exc:
                assert exc.returncode == 1
            assert Article.objects.filter(guid="the-good-one", title="好的那一篇").exists()
            raise Rollback
    except Rollback:
        pass
