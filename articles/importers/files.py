"""Files, folders and URLs -> records: picks the reader for each document, and finds record images."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings

from articles.importers.decoding import sniff
from articles.importers.feeds import read_feed
from articles.importers.fetching import fetch, fetch_resource
from articles.importers.jsonfile import read_json
from articles.importers.records import Failure, FetchError, Invalid, Item, Record

FILE_SUFFIXES = {".json", ".xml", ".rss", ".atom"}

logger = logging.getLogger(__name__)


def max_file_bytes() -> int:
    """Import files above this size are refused before they are read into memory."""
    return settings.IMPORT_MAX_FILE_BYTES


def _head(data: bytes) -> tuple[str, str, int]:
    """A document's first characters (to recognise its format), the encoding its first bytes show, its mark's length."""
    encoding, mark = sniff(data) or ("", 0)
    head = data[mark:mark + 256].decode(encoding or "latin-1", "ignore")
    return head.lstrip(" \t\r\n"), encoding, mark


def read_bytes(data: bytes, *, origin: str, base_dir: Path | None = None, base_url: str = "",
               charset: str = "") -> list[Item]:
    """Records from a document in any supported format, recognised by its first character.

    ``charset`` is the encoding the transport declared (HTTP ``Content-Type``), if any.
    """
    head, encoding, mark = _head(data)
    if head.startswith(("[", "{")):
        if encoding not in ("", "utf-8"):  # JSON in UTF-16 or UTF-32 (RFC 4627): read as UTF-8
            try:
                data = data[mark:].decode(encoding).encode("utf-8")
            except UnicodeError as exc:
                return [Failure(origin, "file", f"無法以 {encoding} 解碼：{exc}")]
        return read_json(data, origin=origin, base_dir=base_dir)
    if head.startswith("<"):
        return read_feed(data, origin=origin, base_url=base_url, charset=charset)
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
        fetched = fetch_resource(
            url, accept="application/rss+xml, application/atom+xml, application/json, text/xml;q=0.9",
        )
    except FetchError as exc:
        return [Failure(url, "url", str(exc))]
    return read_bytes(fetched.body, origin=url, base_url=fetched.url or url, charset=fetched.charset)


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


@dataclass(frozen=True)
class Document:
    """One file or fetched URL and what it held; ``url`` is set when it was fetched (a subscription's feed)."""

    origin: str
    items: list[Item]
    url: str = ""


def iter_documents(paths: Iterable[str | Path] = (), urls: Iterable[str] = ()) -> Iterator[Document]:
    """Each file (folders: the files inside) and each URL, in order, with its records and failures."""
    for path in import_files(paths):
        yield Document(str(path), _read_guarded(str(path), read_path, path))
    for url in urls:
        yield Document(url, _read_guarded(url, read_url, url), url=url)


def _read_guarded(origin: str, read, where) -> list[Item]:
    """One document's items; whatever goes wrong reading it fails that document alone, with the reason."""
    try:
        return read(where)
    except Exception as exc:  # a hostile file must not stop the run: the others still import
        logger.exception("reading %s failed", origin)
        return [Failure(origin, "file", f"無法讀取這個檔案：{type(exc).__name__}: {str(exc)[:200]}")]


def iter_items(paths: Iterable[str | Path] = (), urls: Iterable[str] = ()) -> Iterator[Item]:
    """Every record (or failure) from the given files, folders and URLs, in order."""
    for document in iter_documents(paths, urls):
        yield from document.items
