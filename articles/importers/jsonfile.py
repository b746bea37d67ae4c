"""The JSON import format (see DESIGN.md): a list of records, or ``{"articles": [...]}``.

Every record and every failure says where it sits in the file ("record 3 (line 14)").
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from articles.importers.records import (
    Failure,
    Invalid,
    Item,
    Record,
    _check_body,
    _has_surrogates,
    _image_ref,
    _source_ref,
    _string,
    _tags,
    check_url,
    max_body_bytes,
    normalise_language,
    parse_datetime,
    plain_text,
)

_JSON_WS = re.compile(r"[ \t\n\r]*")


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
