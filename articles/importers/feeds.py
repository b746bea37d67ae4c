"""RSS 2.0 and Atom documents.

The bytes are decoded first (``decoding``: byte order mark, UTF-16 without one, HTTP charset, XML
declaration; GBK/GB2312 as GB18030, Big5 as cp950 or Big5-HKSCS) and handed on as UTF-8, because expat
cannot read multi-byte legacy encodings. The UTF-8 XML is parsed by defusedxml first; a document it
refuses (entity declarations: billion laughs, external entities / XXE) never reaches feedparser, which then
only ever sees the bytes, never a string it might take for a URL or a file name.
"""

from __future__ import annotations

import datetime
import html
import io
import xml.etree.ElementTree as ET  # noqa: S405 - only for its ParseError; parsing goes through defusedxml
from urllib.parse import urlsplit

import defusedxml
import defusedxml.ElementTree
import feedparser

from articles.importers.decoding import utf8_xml
from articles.importers.records import (
    Failure,
    ImageRef,
    Invalid,
    Item,
    Record,
    SourceRef,
    _check_body,
    _scrub,
    _source_ref,
    _tags,
    check_url,
    max_body_bytes,
    normalise_language,
    plain_text,
)


def read_feed(data: bytes, *, origin: str, base_url: str = "", charset: str = "") -> list[Item]:
    """Records from an RSS 2.0 or Atom document that defusedxml has accepted.

    ``charset`` is the encoding the transport declared (HTTP ``Content-Type``), if any. Each record's
    ``source`` is what the channel calls itself, for the report only: ``needs_binding`` says the operator
    must name the source (a feed can call itself anything).
    """
    try:
        data = utf8_xml(data, charset=charset)
    except Invalid as exc:
        return [Failure(origin, "file", str(exc))]
    try:
        defusedxml.ElementTree.fromstring(data)
    except defusedxml.DefusedXmlException as exc:
        return [Failure(origin, "file", f"拒絕處理：XML 含有實體或外部參照宣告（XML 炸彈／XXE）：{exc}")]
    except (ET.ParseError, ValueError) as exc:  # ValueError: what expat itself refuses to read
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
            raise Invalid("摘要沒有標題（title）")
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
        needs_binding=True,
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
