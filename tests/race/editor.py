"""The editor process of a race run: every write goes through ``articles.services``, as a cron import, a management
command or a script would make it — never through the admin, never in the test's own process.

Protocol (one JSON object per line on stdin; one line per command on stdout, written after the write RETURNED):

    {"k": 0, "op": "setup", ...}   ->  done 0 <time.time()> {"articles": {...}, ...}
    {"k": 3, "op": "unpublish", "article": 5}   ->  done 3 <time.time()> {}
    anything that raised           ->  error <k> <message on one line>

    python -m tests.race.editor     (DJANGO_SETTINGS_MODULE and the database/cache settings from the environment)
"""

from __future__ import annotations

import io
import json
import os
import sys
import time
import traceback


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.race.settings")
    import django

    django.setup()


def _jpeg() -> bytes:
    from PIL import Image as PILImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (640, 360), (40, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def article_urls(article) -> dict[str, str]:
    """The article's page in each script, as the site links it."""
    from django.utils import translation

    urls = {}
    for language in ("zh-hant", "zh-hans"):
        with translation.override(language):
            urls[language] = article.get_absolute_url()
    return urls


def title_text(marker: str) -> str:
    return f"測試新聞 {marker}"


def body_html(marker: str) -> str:
    return f"<p>這是內文，記號 {marker}。</p>"


def source_name(marker: str) -> str:
    return f"來源 {marker}"


def credit_text(marker: str) -> str:
    return f"由 {marker} 提供"


def _new_article(spec: dict, sources: dict, image) -> dict:
    from articles import services
    from articles.models import Article

    # A slug of its own (Chinese, so the pages' unicode URLs are exercised): one made from the title would carry
    # the title's marker on after a retitle.
    article = Article(title=title_text(spec["title"]), slug=f"測試新聞-{spec['key'].lower()}", summary="一段摘要。",
                      body=body_html(spec["body"]),
                      language="zh-hant", author="編譯／測試", source=sources[spec["source"]],
                      featured_image=image if spec.get("image") else None)
    services.article_save(article=article)
    services.article_set_tags(article=article, names=list(spec["tags"]))
    services.article_publish(article=article)
    return {"id": article.pk, "urls": article_urls(article)}


def op_setup(command: dict) -> dict:
    """Sources, tags, a credited image and published articles, all made through the services."""
    from django.core.files.base import ContentFile

    from articles import services
    from articles.models import Source

    sources = {}
    for key, spec in command["sources"].items():
        source = Source(name=source_name(spec["name"]), slug=spec["slug"], kind=spec["kind"],
                        reprint_permission=spec["permission"], homepage=f"https://{spec['slug']}.example/")
        sources[key] = services.source_save(source=source)
    image = services.image_create(file=ContentFile(_jpeg(), name="race.jpg"), alt_text="測試圖片",
                                  credit=credit_text(command["credit"]))
    articles = {}
    for key, spec in command["articles"].items():
        articles[key] = _new_article({**spec, "key": key}, sources, image)
    return {"articles": articles, "image": image.pk, "sources": {key: s.pk for key, s in sources.items()}}


def op_retitle(command: dict) -> dict:
    from articles import services
    from articles.models import Article

    article = Article.objects.get(pk=command["article"])
    article.title = title_text(command["title"])
    if command.get("body"):
        article.body = body_html(command["body"])
    services.article_save(article=article)
    return {}


def op_unpublish(command: dict) -> dict:
    from articles import services
    from articles.models import Article

    services.article_unpublish(article=Article.objects.get(pk=command["article"]))
    return {}


def op_republish(command: dict) -> dict:
    from articles import services
    from articles.models import Article

    article = Article.objects.get(pk=command["article"])
    article.title = title_text(command["title"])
    services.article_publish(article=article)
    return {}


def op_retag(command: dict) -> dict:
    from articles import services
    from articles.models import Article

    article = Article.objects.get(pk=command["article"])
    names = {tag.name for tag in article.tags.all()}
    names = (names - {command["remove"]}) | {command["add"]}
    services.article_set_tags(article=article, names=sorted(names))
    return {}


def op_rename_source(command: dict) -> dict:
    from articles import services
    from articles.models import Source

    source = Source.objects.get(pk=command["source"])
    source.name = source_name(command["name"])
    services.source_save(source=source)
    return {}


def op_credit(command: dict) -> dict:
    from articles import services
    from articles.models import Image

    image = Image.objects.get(pk=command["image"])
    image.credit = credit_text(command["credit"])
    services.image_update_details(image=image)
    return {}


def op_new_article(command: dict) -> dict:
    from articles.models import Image, Source

    sources = {command["source"]: Source.objects.get(pk=command["source_id"])}
    image = Image.objects.get(pk=command["image"]) if command.get("image") else None
    return _new_article(command, sources, image)


OPS = {name[3:]: function for name, function in globals().items() if name.startswith("op_")}


def main() -> None:
    _setup_django()
    print("ready", flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        try:
            result = OPS[command["op"]](command)
        except Exception as exc:  # noqa: BLE001 - reported to the test, which fails with it
            detail = " | ".join(traceback.format_exception_only(exc)).replace("\n", " ")
            print(f"error {command.get('k')} {detail}", flush=True)
            continue
        print(f"done {command.get('k')} {time.time():.6f} {json.dumps(result)}", flush=True)


if __name__ == "__main__":
    main()
