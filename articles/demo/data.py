"""Reading the demo's data files under ``content/``, checked as a whole before anything is written.

- ``sources.json``: the sources, each with a ``key`` that images and articles refer to;
- ``images.json``: the pictures to draw (see :mod:`articles.demo.drawing`), each with a ``key``;
- ``articles/<guid>.json`` and ``articles/<guid>.html``: one article's fields and its body.

Anything wrong (bad JSON, a missing or misspelt field, a key that refers to nothing) raises
:class:`DemoContentError` naming the file, so an editor of the demo knows where to look.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from pathlib import Path
from typing import Any

from articles.models import Article, Source

from .drawing import PATTERNS

CONTENT_DIR = Path(__file__).resolve().parent / "content"

SOURCE_FIELDS = {
    "required": {"key", "name", "kind", "permission", "homepage", "copyright_notice"},
    "optional": {"expires_in_days", "permission_note"},
}
IMAGE_FIELDS = {
    "required": {"key", "seed", "pattern", "colors", "accents", "alt_text", "caption", "credit", "ai_generated",
                 "source"},
    "optional": set(),
}
ARTICLE_FIELDS = {
    "required": {"guid", "source", "language", "status", "tags", "title", "summary", "author"},
    "optional": {"image", "days_ago", "days_ahead", "original_source", "original_url"},
}
# The page labels a credit itself (圖片來源：…): a credit written with the label would read twice.
CREDIT_LABELS = ("圖片來源", "图片来源")
# What each status needs to know about time: a published article's age, a scheduled one's wait.
STATUS_FIELDS = {"published": "days_ago", "scheduled": "days_ahead", "review": None, "draft": None}


class DemoContentError(ValueError):
    """A demo data file that cannot be loaded; the message starts with the file's path."""

    def __init__(self, path: Path, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"示範資料檔 {path}：{problem}")


@dataclasses.dataclass(frozen=True)
class DemoContent:
    sources: list[dict]
    images: list[dict]
    articles: list[dict]


def read_content(directory: Path = CONTENT_DIR) -> DemoContent:
    """Every demo source, image and article in ``directory``, checked; articles in file-name order."""
    sources = [_checked(item, path, SOURCE_FIELDS) for item, path in _records(directory / "sources.json")]
    images = [_checked(item, path, IMAGE_FIELDS) for item, path in _records(directory / "images.json")]
    articles = [_article(path) for path in sorted((directory / "articles").glob("*.json"))]
    _check_orphan_bodies(directory / "articles")
    _check_references(directory, sources, images, articles)
    for image in images:  # the drawing code works on tuples, as the specs were written before
        image["colors"], image["accents"] = tuple(image["colors"]), tuple(image["accents"])
    return DemoContent(sources=sources, images=images, articles=articles)


def split_blocks(html: str) -> tuple[str, ...]:
    """A body's HTML blocks: separated by blank lines, except blank lines inside ``<pre>`` (code keeps them)."""
    blocks: list[str] = []
    for piece in html.strip().split("\n\n"):
        if blocks and blocks[-1].count("<pre") > blocks[-1].count("</pre>"):
            blocks[-1] += "\n\n" + piece
        else:
            blocks.append(piece)
    return tuple(blocks)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DemoContentError(path, "檔案不存在") from None
    except UnicodeDecodeError as error:
        raise DemoContentError(path, f"不是 UTF-8 文字檔（{error.reason}）") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise DemoContentError(path, f"不是有效的 JSON：第 {error.lineno} 行第 {error.colno} 欄，{error.msg}") from None


def _records(path: Path) -> list[tuple[dict, Path]]:
    data = _read_json(path)
    if not isinstance(data, list):
        raise DemoContentError(path, "最外層應是一個清單（[...]）")
    return [(item, path) for item in data]


def _checked(item: Any, path: Path, fields: dict[str, set[str]]) -> dict:
    if not isinstance(item, dict):
        raise DemoContentError(path, f"每一筆資料都應是物件（{{...}}），卻是 {item!r}")
    name = item.get("key") or item.get("guid") or "?"
    missing = sorted(fields["required"] - item.keys())
    if missing:
        raise DemoContentError(path, f"「{name}」缺少欄位 {', '.join(missing)}")
    unknown = sorted(item.keys() - fields["required"] - fields["optional"])
    if unknown:
        raise DemoContentError(path, f"「{name}」有不認得的欄位 {', '.join(unknown)}（拼錯了嗎？）")
    return item


def _article(path: Path) -> dict:
    article = _checked(_read_json(path), path, ARTICLE_FIELDS)
    if article["guid"] != path.stem:
        raise DemoContentError(path, f"guid「{article['guid']}」應與檔名「{path.stem}」相同")
    status = article["status"]
    if status not in STATUS_FIELDS:
        raise DemoContentError(path, f"狀態「{status}」不是 {', '.join(STATUS_FIELDS)} 之一")
    if STATUS_FIELDS[status] and STATUS_FIELDS[status] not in article:
        raise DemoContentError(path, f"狀態為 {status} 的文章需要 {STATUS_FIELDS[status]} 欄位")
    body_path = path.with_suffix(".html")
    try:
        body = body_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DemoContentError(path, f"找不到內文檔 {body_path.name}") from None
    except UnicodeDecodeError as error:
        raise DemoContentError(body_path, f"不是 UTF-8 文字檔（{error.reason}）") from None
    blocks = split_blocks(body)
    if not blocks[0]:
        raise DemoContentError(body_path, "內文是空的")
    if blocks[-1].count("<pre") > blocks[-1].count("</pre>"):
        raise DemoContentError(body_path, "有一個 <pre> 沒有對應的 </pre>")
    return {**article, "body": blocks}


def _check_orphan_bodies(directory: Path) -> None:
    for body_path in sorted(directory.glob("*.html")):
        if not body_path.with_suffix(".json").exists():
            raise DemoContentError(body_path, f"沒有對應的 {body_path.stem}.json，這篇內文不會被載入")


def _check_references(directory: Path, sources: list[dict], images: list[dict], articles: list[dict]) -> None:
    sources_path, images_path = directory / "sources.json", directory / "images.json"
    source_keys = _unique_keys(sources, "key", sources_path)
    image_keys = _unique_keys(images, "key", images_path)
    languages = {value for value, _label in Article._meta.get_field("language").choices}
    for source in sources:
        _choice(source["kind"], Source.Kind.values, f"來源「{source['key']}」的 kind", sources_path)
        _choice(source["permission"], Source.Permission.values, f"來源「{source['key']}」的 permission",
                sources_path)
    for image in images:
        _choice(image["pattern"], PATTERNS, f"圖片「{image['key']}」的 pattern", images_path)
        if image["source"] is not None:
            _choice(image["source"], source_keys, f"圖片「{image['key']}」的 source", images_path)
        if str(image["credit"]).startswith(CREDIT_LABELS):
            raise DemoContentError(images_path, f"圖片「{image['key']}」的 credit 不要以「圖片來源」開頭："
                                                "頁面會自己加上，否則讀者會看到「圖片來源：圖片來源：…」")
    for article in articles:
        path = directory / "articles" / f"{article['guid']}.json"
        _choice(article["language"], languages, "language", path)
        _choice(article["source"], source_keys, "source", path)
        if article.get("original_source"):
            _choice(article["original_source"], source_keys, "original_source", path)
        if article.get("image"):
            _choice(article["image"], image_keys, "image", path)


def _unique_keys(items: list[dict], field: str, path: Path) -> set[str]:
    keys: set[str] = set()
    for item in items:
        if item[field] in keys:
            raise DemoContentError(path, f"{field}「{item[field]}」重複出現")
        keys.add(item[field])
    return keys


def _choice(value: Any, allowed: Collection[str], what: str, path: Path) -> None:
    if not isinstance(value, str) or value not in allowed:
        raise DemoContentError(path, f"{what}「{value}」不存在；可用的有 {', '.join(sorted(allowed))}")
