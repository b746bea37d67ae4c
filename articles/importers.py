"""Readers for imports: JSON (the format in DESIGN.md), RSS 2.0 and Atom files or feeds -> plain records.

Nothing here touches the database. Each reader returns, in file order, a ``Record`` for every
record it could understand and a ``Failure`` (file, position, reason) for every one it could not,
so one bad record never hides the others. The write path is ``articles.services.imports``.

Feeds come from strangers, so:

* XML is parsed by defusedxml first; a document it refuses (entity declarations: billion laughs,
  external entities / XXE) never reaches feedparser, which then only ever sees the bytes, never a
  string it might take for a URL or a file name.
* ``fetch`` speaks http(s) only, resolves the host itself and refuses private, loopback,
  link-local and other non-public addresses (unless ``IMPORT_ALLOW_PRIVATE_URLS``), connects to the
  address it checked (no second DNS answer), checks every redirect the same way, and stops at a
  size cap and a deadline.
* Image paths must stay inside the import file's folder.
"""

from __future__ import annotations

import datetime
import hashlib
import html
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import time
import xml.etree.ElementTree as ET  # noqa: S405 - only for its ParseError; parsing goes through defusedxml
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import defusedxml
import defusedxml.ElementTree
import feedparser
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from articles import sanitize

FILE_SUFFIXES = {".json", ".xml", ".rss", ".atom"}
MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_GUID_LENGTH = 300  # Article.guid
MAX_URL_LENGTH = 500  # Article.original_url
MAX_SOURCE_URL_LENGTH = 200  # Source.homepage
MAX_REDIRECTS = 5
USER_AGENT = "NewsroomImporter/1.0 (+https://github.com/newsroom)"

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_SPACE_RE = re.compile(r"\s+")
_JSON_WS = re.compile(r"[ \t\n\r]*")
_http_url = URLValidator(schemes=["http", "https"])

LANGUAGES = {
    "zh-hans": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-my": "zh-hans",
    "zh-hant": "zh-hant", "zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant",
}


def max_body_bytes() -> int:
    """Bodies above this many bytes (UTF-8) are refused: no real article is that long."""
    return settings.IMPORT_MAX_BODY_BYTES


def max_file_bytes() -> int:
    """Import files above this size are refused before they are read into memory."""
    return settings.IMPORT_MAX_FILE_BYTES


# --- records -----------------------------------------------------------------------


@dataclass(frozen=True)
class SourceRef:
    """An outlet as a record names it."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class ImageRef:
    """A record's picture: a file next to the import file, or an http(s) URL."""

    path: str = ""
    url: str = ""
    alt: str = ""
    caption: str = ""
    credit: str = ""
    ai_generated: bool = False


@dataclass(frozen=True)
class Record:
    """One upstream article, validated and normalised, with where it came from."""

    origin: str  # the file or URL
    position: str  # "record 3 (line 14)", "item 2"
    guid: str
    url: str
    title: str
    body: str
    source: SourceRef
    summary: str = ""
    language: str | None = None  # "zh-hans" / "zh-hant"; None = guess from the text
    published_at: datetime.datetime | None = None
    author: str = ""
    original_source: SourceRef | None = None
    tags: tuple[str, ...] = ()
    image: ImageRef | None = None
    copyright: str = ""
    base_dir: Path | None = field(default=None, compare=False)  # image paths are relative to this
    checksum: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if not self.checksum:
            object.__setattr__(self, "checksum", _checksum(self))

    @property
    def key(self) -> str:
        """What identifies the article within its source: the guid, or the URL without one."""
        key = self.guid or self.url
        if len(key) > MAX_GUID_LENGTH:
            key = "sha256:" + hashlib.sha256(key.encode()).hexdigest()
        return key

    @property
    def where(self) -> str:
        return f"{self.origin}: {self.position}"


@dataclass(frozen=True)
class Failure:
    """A record (or a whole file) that could not be read, and why."""

    origin: str
    position: str
    reason: str

    @property
    def where(self) -> str:
        return f"{self.origin}: {self.position}"

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


Item = Record | Failure


class Invalid(ValueError):
    """A record field that cannot be used; the message is the reason shown to the operator."""


class FetchError(Invalid):
    """A URL that may not, or could not, be fetched."""


def _checksum(record: Record) -> str:
    # Everything upstream said, normalised; where it sat in the file does not count.
    data = asdict(record)
    for key in ("origin", "position", "base_dir", "checksum"):
        data.pop(key)
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


# --- field helpers -----------------------------------------------------------------


def _scrub(text: str) -> str:
    # NUL and other control characters: PostgreSQL refuses NUL, and none of them belong in an article.
    return _CONTROL_RE.sub("", text)


def plain_text(value: str) -> str:
    """A one-line text field: markup and entities resolved, whitespace collapsed."""
    text = _scrub(value or "")
    if "<" in text or "&" in text:
        text = sanitize.plain_text(text)
    return _SPACE_RE.sub(" ", text).strip()


def _string(item: dict, key: str) -> str:
    value = item.get(key)
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool) and key == "guid":
        return str(value)
    if not isinstance(value, str):
        raise Invalid(f"{key} 必須是字串")
    return _scrub(value).strip()


def check_url(value: str, field_name: str, *, max_length: int = MAX_URL_LENGTH) -> str:
    """An absolute http(s) URL, or raise ``Invalid``."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > max_length:
        raise Invalid(f"{field_name} 太長（上限 {max_length} 字元）")
    try:
        _http_url(value)
    except ValidationError:
        raise Invalid(f"{field_name} 不是有效的 http(s) 網址：{value[:100]}") from None
    return value


def normalise_language(value: Any) -> str | None:
    """``zh-Hans``/``zh-CN``/… -> ``zh-hans``; ``zh-Hant``/``zh-TW``/… -> ``zh-hant``; empty -> None (guess)."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid("language 必須是字串")
    code = value.strip().lower().replace("_", "-")
    if code in ("", "zh"):
        return None
    for prefix in ("zh-hans", "zh-hant"):
        if code.startswith(prefix):
            return prefix
    if code in LANGUAGES:
        return LANGUAGES[code]
    raise Invalid(f"不支援的語言 {value[:20]!r}（只接受 zh-Hans 或 zh-Hant）")


def parse_datetime(value: Any, field_name: str = "published_at") -> datetime.datetime | None:
    """ISO 8601; a time without an offset is taken as the site's time zone."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise Invalid(f"{field_name} 必須是 ISO 8601 字串")
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{field_name} 不是有效的日期時間：{value[:40]!r}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _source_ref(value: Any, field_name: str) -> SourceRef:
    if isinstance(value, str) and value.strip():
        return SourceRef(name=plain_text(value)[:200])
    if isinstance(value, dict):
        name = value.get("name")
        url = value.get("url", "") or ""
        if isinstance(name, str) and plain_text(name) and isinstance(url, str):
            if len(plain_text(name)) > 200:
                raise Invalid(f"{field_name}.name 太長（上限 200 字元）")
            return SourceRef(
                name=plain_text(name),
                url=check_url(url, f"{field_name}.url", max_length=MAX_SOURCE_URL_LENGTH),
            )
    raise Invalid(f"{field_name} 格式不明：必須是含 name（與 url）的物件")


def _tags(value: Any) -> tuple[str, ...]:
    if value in (None, ""):
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(tag, str) for tag in value):
        raise Invalid("tags 必須是字串清單")
    tags: list[str] = []
    seen: set[str] = set()
    for raw in value:
        tag = plain_text(raw)
        if not tag or tag.casefold() in seen:
            continue
        if len(tag) > MAX_TAG_LENGTH:
            raise Invalid(f"標籤太長（上限 {MAX_TAG_LENGTH} 字元）：{tag[:30]}…")
        seen.add(tag.casefold())
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise Invalid(f"標籤太多（{len(tags)} 個，上限 {MAX_TAGS}）")
    return tuple(tags)


def _image_ref(value: Any) -> ImageRef | None:
    if value in (None, ""):
        return None
    if not isinstance(value, dict):
        raise Invalid("image 必須是含 path 或 url 的物件")
    texts = {}
    for key in ("path", "url", "alt", "caption", "credit"):
        raw = value.get(key, "")
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise Invalid(f"image.{key} 必須是字串")
        texts[key] = raw.strip() if key in ("path", "url") else plain_text(raw)
    if not texts["path"] and not texts["url"]:
        raise Invalid("image 需要 path 或 url")
    ai_generated = value.get("ai_generated", False)
    if not isinstance(ai_generated, bool):
        raise Invalid("image.ai_generated 必須是 true 或 false")
    return ImageRef(
        path=texts["path"],
        url=check_url(texts["url"], "image.url", max_length=2000),
        alt=texts["alt"],
        caption=texts["caption"],
        credit=texts["credit"],
        ai_generated=ai_generated,
    )


def _check_body(body: str, limit: int) -> str:
    size = len(body.encode("utf-8", "surrogatepass"))
    if size > limit:
        raise Invalid(f"body 太大（{size:,} bytes，上限 {limit:,}）")
    return body


def _has_surrogates(value: Any) -> bool:
    if isinstance(value, str):
        return bool(_SURROGATE_RE.search(value))
    if isinstance(value, dict):
        return any(_has_surrogates(k) or _has_surrogates(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogates(v) for v in value)
    return False


# --- JSON --------------------------------------------------------------------------


def _json_array_offsets(text: str, start: int) -> list[int]:
    """Where each element of the JSON array opening at ``text[start]`` begins (the text is valid JSON)."""
    decoder = json.JSONDecoder()
    offsets: list[int] = []
    index = _JSON_WS.match(text, start + 1).end()
    if text[index] == "]":
        return offsets
    while True:
        offsets.append(index)
        _, index = decoder.raw_decode(text, index)
        index = _JSON_WS.match(text, index).end()
        if text[index] != ",":
            return offsets
        index = _JSON_WS.match(text, index + 1).end()


def _json_member_offset(text: str, start: int, wanted: str) -> int | None:
    """Where the value of member ``wanted`` of the JSON object opening at ``text[start]`` begins (last wins)."""
    decoder = json.JSONDecoder()
    found = None
    index = _JSON_WS.match(text, start + 1).end()
    while text[index] != "}":
        key, index = decoder.raw_decode(text, index)
        index = _JSON_WS.match(text, _JSON_WS.match(text, index).end() + 1).end()  # past ":"
        if key == wanted:
            found = index
        _, index = decoder.raw_decode(text, index)
        index = _JSON_WS.match(text, index).end()
        if text[index] == ",":
            index = _JSON_WS.match(text, index + 1).end()
    return found


def read_json(data: bytes, *, origin: str, base_dir: Path | None = None) -> list[Item]:
    """Records from the JSON import format: a list, or ``{"articles": [...]}``."""
    # Invalid UTF-8 is kept as lone surrogates so that it fails only the record it sits in.
    text = data.decode("utf-8", "surrogateescape").lstrip("\ufeff")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        return [Failure(origin, f"line {exc.lineno}", f"不是有效的 JSON：{exc.msg}（第 {exc.colno} 欄）")]
    except RecursionError:
        return [Failure(origin, "file", "JSON 巢狀層數過深")]
    start = _JSON_WS.match(text).end()
    if isinstance(document, dict) and isinstance(document.get("articles"), list):
        items = document["articles"]
        offsets = _json_array_offsets(text, _json_member_offset(text, start, "articles"))
    elif isinstance(document, list):
        items = document
        offsets = _json_array_offsets(text, start)
    else:
        return [Failure(origin, "file", '格式不明：必須是紀錄清單，或 {"articles": [...]}')]
    limit = max_body_bytes()
    results: list[Item] = []
    line, counted = 1, 0
    for number, (item, offset) in enumerate(zip(items, offsets, strict=True), start=1):
        line += text.count("\n", counted, offset)
        counted = offset
        position = f"record {number} (line {line})"
        try:
            results.append(_json_record(item, origin=origin, position=position, base_dir=base_dir, limit=limit))
        except Invalid as exc:
            results.append(Failure(origin, position, str(exc)))
    return results


def _json_record(item: Any, *, origin: str, position: str, base_dir: Path | None, limit: int) -> Record:
    if not isinstance(item, dict):
        raise Invalid("紀錄必須是 JSON 物件")
    if _has_surrogates(item):
        raise Invalid("含有無效的 UTF-8 位元組（或不成對的 Unicode 代理字元）")
    guid = _string(item, "guid")
    url = check_url(_string(item, "url"), "url")
    if not guid and not url:
        raise Invalid("缺少 guid 或 url（至少要有一個）")
    title = plain_text(_string(item, "title"))
    if not title:
        raise Invalid("缺少 title")
    body = _string(item, "body")
    if not body:
        raise Invalid("缺少 body")
    if "source" not in item or item["source"] in (None, ""):
        raise Invalid("缺少 source")
    original = item.get("original_source")
    return Record(
        origin=origin,
        position=position,
        guid=guid,
        url=url,
        title=title,
        summary=plain_text(_string(item, "summary")),
        body=_check_body(body, limit),
        language=normalise_language(item.get("language")),
        published_at=parse_datetime(item.get("published_at")),
        author=plain_text(_string(item, "author")),
        source=_source_ref(item["source"], "source"),
        original_source=_source_ref(original, "original_source") if original not in (None, "") else None,
        tags=_tags(item.get("tags")),
        image=_image_ref(item.get("image")),
        copyright=_string(item, "copyright"),
        base_dir=base_dir,
    )


# --- RSS and Atom ------------------------------------------------------------------


def read_feed(data: bytes, *, origin: str, base_url: str = "") -> list[Item]:
    """Records from an RSS 2.0 or Atom document that defusedxml has accepted."""
    try:
        defusedxml.ElementTree.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        return [Failure(origin, "file", f"拒絕處理：XML 含有實體或外部參照宣告（XML 炸彈／XXE）：{exc}")]
    except ET.ParseError as exc:
        return [Failure(origin, "file", f"不是格式正確的 XML：{exc}")]
    headers = {"content-location": base_url} if base_url else None
    # BytesIO: feedparser treats a str or bytes argument as a possible URL or file name.
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers, sanitize_html=True)
    if not str(parsed.get("version", "")).startswith(("rss", "atom")):
        return [Failure(origin, "file", "不是 RSS 或 Atom 摘要")]
    feed = parsed.feed
    try:
        name = plain_text(feed.get("title", ""))
        if not name:
            raise Invalid("摘要沒有標題（title），無法判斷來源")
        source = _source_ref({"name": name, "url": feed.get("link", "")}, "feed link")
        language = normalise_language(feed.get("language"))
    except Invalid as exc:
        return [Failure(origin, "file", str(exc))]
    limit = max_body_bytes()
    results: list[Item] = []
    for number, entry in enumerate(parsed.entries, start=1):
        position = f"item {number}"
        try:
            results.append(_feed_record(entry, feed, source=source, language=language, origin=origin,
                                        position=position, limit=limit))
        except Invalid as exc:
            results.append(Failure(origin, position, str(exc)))
    return results


def _feed_record(entry, feed, *, source: SourceRef, language: str | None, origin: str, position: str,
                 limit: int) -> Record:
    guid = _scrub(entry.get("id", "") or "").strip()
    url = check_url(entry.get("link", ""), "link")
    if not guid and not url:
        raise Invalid("缺少 guid／id 或 link（至少要有一個）")
    title = plain_text(entry.get("title", ""))
    if not title:
        raise Invalid("缺少 title")
    summary_html = entry.get("summary", "") or ""
    contents = [c for c in entry.get("content", []) if c.get("value")]
    if contents:
        body = contents[0]["value"]
        if contents[0].get("type") == "text/plain":
            body = f"<p>{html.escape(body)}</p>"
        summary = plain_text(summary_html) if summary_html and summary_html != body else ""
    else:
        body, summary = summary_html, ""
    body = _scrub(body).strip()
    if not body:
        raise Invalid("缺少內文（description／content）")
    # dict.get: FeedParserDict.get maps a missing "updated" onto "published", with a deprecation warning.
    published = dict.get(entry, "published_parsed") or dict.get(entry, "updated_parsed")
    raw_date = dict.get(entry, "published") or dict.get(entry, "updated")
    if published is None and raw_date:
        raise Invalid(f"日期無法解析：{raw_date[:40]!r}")
    published_at = (
        datetime.datetime(*published[:6], tzinfo=datetime.UTC) if published is not None else None
    )
    entry_language = (entry.get("title_detail") or {}).get("language")
    original = None
    upstream = entry.get("source") or {}
    if plain_text(upstream.get("title", "")):
        link = upstream.get("link") or _site_root(upstream.get("href", ""))
        original = _source_ref({"name": upstream["title"], "url": link or ""}, "source")
    credit = entry.get("credit") or ""
    return Record(
        origin=origin,
        position=position,
        guid=guid,
        url=url,
        title=title,
        summary=summary,
        body=_check_body(body, limit),
        language=normalise_language(entry_language) or language,
        published_at=published_at,
        author=plain_text(entry.get("author", "")),
        source=source,
        original_source=original,
        tags=_tags([t.get("term") or "" for t in entry.get("tags", [])]),
        image=_feed_image(entry, title=title, credit=plain_text(credit)),
        copyright=plain_text(entry.get("rights") or feed.get("rights") or ""),
    )


def _site_root(url: str) -> str:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}/" if parts.scheme in ("http", "https") and parts.netloc else ""


def _feed_image(entry, *, title: str, credit: str) -> ImageRef | None:
    candidates = [link.get("href") for link in entry.get("links", [])
                  if link.get("rel") == "enclosure" and str(link.get("type", "")).startswith("image/")]
    candidates += [m.get("url") for m in entry.get("media_content", [])
                   if m.get("medium") == "image" or str(m.get("type", "")).startswith("image/")]
    candidates += [m.get("url") for m in entry.get("media_thumbnail", [])]
    for url in candidates:
        if url:
            return ImageRef(url=check_url(url, "image url", max_length=2000), alt=title[:300], credit=credit[:200])
    return None


# --- files and URLs ----------------------------------------------------------------


def read_bytes(data: bytes, *, origin: str, base_dir: Path | None = None, base_url: str = "") -> list[Item]:
    """Records from a document in any supported format, recognised by its first character."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"[", b"{")):
        return read_json(data, origin=origin, base_dir=base_dir)
    if head.startswith(b"<"):
        return read_feed(data, origin=origin, base_url=base_url)
    if not head:
        return [Failure(origin, "file", "檔案是空的")]
    return [Failure(origin, "file", "無法辨識的格式：必須是 JSON、RSS 2.0 或 Atom")]


def import_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files to read: each file given, and the JSON/RSS/Atom files inside each folder given."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in FILE_SUFFIXES))
        else:
            found.append(path)
    return found


def read_path(path: str | Path) -> list[Item]:
    """Records from one file."""
    path = Path(path)
    origin = str(path)
    try:
        size = path.stat().st_size
        if not path.is_file():
            return [Failure(origin, "file", "不是一般檔案")]
        if size > max_file_bytes():
            return [Failure(origin, "file", f"檔案太大（{size:,} bytes，上限 {max_file_bytes():,}）")]
        data = path.read_bytes()
    except OSError as exc:
        return [Failure(origin, "file", f"無法讀取：{exc.strerror or exc}")]
    return read_bytes(data, origin=origin, base_dir=path.parent)


def read_url(url: str) -> list[Item]:
    """Records from a feed (or JSON document) fetched over http(s)."""
    try:
        data = fetch(url, accept="application/rss+xml, application/atom+xml, application/json, text/xml;q=0.9")
    except FetchError as exc:
        return [Failure(url, "url", str(exc))]
    return read_bytes(data, origin=url, base_url=url)


def image_bytes(record: Record) -> tuple[bytes, str]:
    """The bytes of a record's picture and a file name for it; raise ``Invalid`` when it cannot be had."""
    ref = record.image
    if ref is None:
        raise Invalid("紀錄沒有圖片")
    limit = int(getattr(settings, "IMAGE_MAX_BYTES", 20 * 1024 * 1024))
    if ref.url:
        return fetch(ref.url, max_bytes=limit, accept="image/*"), Path(urlsplit(ref.url).path).name or "image"
    if record.base_dir is None:
        raise Invalid("image.path 只能用在本機匯入檔；網址來源請用 image.url")
    base = record.base_dir.resolve()
    candidate = (base / ref.path).resolve()
    if Path(ref.path).is_absolute() or not candidate.is_relative_to(base):
        raise Invalid(f"image.path 必須在匯入檔所在的資料夾內：{ref.path[:100]}")
    if not candidate.is_file():
        raise Invalid(f"找不到圖片檔：{ref.path[:100]}")
    if candidate.stat().st_size > limit:
        raise Invalid(f"圖片檔太大（上限 {limit:,} bytes）：{ref.path[:100]}")
    return candidate.read_bytes(), candidate.name


# --- fetching ----------------------------------------------------------------------


def address_allowed(address: str, *, allow_private: bool) -> bool:
    """May we connect to this IP address? Only public ones, unless private ones are allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return False
    return allow_private or ip.is_global


def _resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: every address the name resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"找不到主機 {host}：{exc}") from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        if not address_allowed(address, allow_private=allow_private):
            raise FetchError(
                f"拒絕連線到內部或保留位址：{host} → {address}（需要時可設定 IMPORT_ALLOW_PRIVATE_URLS）"
            )
    if not addresses:
        raise FetchError(f"找不到主機 {host}")
    return addresses[0]


def _connect(address: tuple[str, int], timeout: float) -> socket.socket:
    return socket.create_connection(address, timeout=timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, whatever a second DNS lookup would say."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _connect((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = _connect((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _checked_url(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"只接受 http 或 https 網址：{url[:100]}")
    if not parts.hostname:
        raise FetchError(f"網址沒有主機名稱：{url[:100]}")
    if parts.username or parts.password:
        raise FetchError("網址不能含有帳號或密碼")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FetchError(f"網址的連接埠無效：{url[:100]}") from None
    return parts


def fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None,
          allow_private: bool | None = None, accept: str = "*/*") -> bytes:
    """GET ``url`` safely (see the module docstring) and return the body; raise ``FetchError`` otherwise.

    ``timeout`` bounds the connect and each read; the whole download gets three times that.
    """
    max_bytes = max_bytes or settings.IMPORT_FETCH_MAX_BYTES
    timeout = timeout or settings.IMPORT_FETCH_TIMEOUT
    if allow_private is None:
        allow_private = settings.IMPORT_ALLOW_PRIVATE_URLS
    deadline = time.monotonic() + 3 * timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = _checked_url(url)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        address = _resolve(parts.hostname, port, allow_private=allow_private)
        connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={
                "User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity",
            })
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = (response.getheader("Location") or "").strip()
                if not location:
                    raise FetchError(f"HTTP {response.status} 轉址卻沒有 Location：{url[:100]}")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}：{url[:100]}")
            declared = response.getheader("Content-Length") or ""
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"檔案太大（{int(declared):,} bytes，上限 {max_bytes:,}）：{url[:100]}")
            return _read_capped(response, max_bytes=max_bytes, deadline=deadline, url=url)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"下載失敗：{url[:100]}：{exc or type(exc).__name__}") from None
        finally:
            connection.close()
    raise FetchError(f"轉址超過 {MAX_REDIRECTS} 次：{url[:100]}")


def _read_capped(response: http.client.HTTPResponse, *, max_bytes: int, deadline: float, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"下載逾時：{url[:100]}")
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"檔案太大（超過 {max_bytes:,} bytes）：{url[:100]}")
        chunks.append(chunk)


def iter_items(paths: Iterable[str | Path] = (), urls: Iterable[str] = ()) -> Iterator[Item]:
    """Every record (or failure) from the given files, folders and URLs, in order."""
    for path in import_files(paths):
        yield from read_path(path)
    for url in urls:
        yield from read_url(url)
