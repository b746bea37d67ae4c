"""What the readers produce (``Record``, ``Failure``) and the field checks every format shares.

A ``Record`` is one upstream article, validated and normalised; anything that cannot be used raises
``Invalid`` with the reason shown to the operator.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from articles.text import sanitize

MAX_TAGS = 50
MAX_TAG_LENGTH = 100
MAX_GUID_LENGTH = 300  # Article.guid
MAX_URL_LENGTH = 500  # Article.original_url
MAX_SOURCE_URL_LENGTH = 200  # Source.homepage

_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE_RE = re.compile(r"[\ud800-\udfff]")
_SPACE_RE = re.compile(r"\s+")
_http_url = URLValidator(schemes=["http", "https"])

LANGUAGES = {
    "zh-hans": "zh-hans", "zh-cn": "zh-hans", "zh-sg": "zh-hans", "zh-my": "zh-hans",
    "zh-hant": "zh-hant", "zh-tw": "zh-hant", "zh-hk": "zh-hant", "zh-mo": "zh-hant",
}


def max_body_bytes() -> int:
    """Bodies above this many bytes (UTF-8) are refused: no real article is that long."""
    return settings.IMPORT_MAX_BODY_BYTES



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
    # A feed names itself (its channel title and link), and anyone can call their feed anything: its records
    # go only to the source the operator bound it to (--source, or a subscription's feed URL), never to
    # the source ``source`` names.
    needs_binding: bool = field(default=False, compare=False)

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


_NOT_CHECKSUMMED = frozenset({"origin", "position", "base_dir", "checksum", "needs_binding"})


def _checksum(record: Record) -> str:
    # Everything upstream said, normalised; where it sat in the file does not count. (The payload is what
    # ``asdict(record)`` gives, built without deep-copying every field: imports compute one per record.)
    data = {name: asdict(value) if is_dataclass(value) else value
            for name, value in ((f.name, getattr(record, f.name)) for f in fields(record))
            if name not in _NOT_CHECKSUMMED}
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
