"""Build a benchmark database in bulk: N published articles with Zipf-like tags, sources and images.

Run with DATABASE_URL pointing at the benchmark database:
    python -m bench.dataset --articles 100000 --tags 5000
Re-running with the same numbers reuses the database.
"""

from __future__ import annotations

import argparse
import bisect
import datetime
import io
import os
import random
import re
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from PIL import Image as PILImage  # noqa: E402
from PIL import ImageDraw  # noqa: E402

from articles import search, services  # noqa: E402
from articles.models import Article, Source, Tag, TaggedArticle  # noqa: E402
from articles.text import chinese  # noqa: E402

# The text comes from the demo articles (written for this project), cut into sentences: each benchmark body
# draws its own sentences, so a phrase matches a realistic share of the archive (a rare phrase a few percent,
# a common word like 模型 or 資料 far more) instead of every article repeating the same paragraphs.
BODIES = 3000
STORED_PAGES = 500
SENTENCES_PER_BODY = 24
COPYRIGHT_HANT = "版權歸作者所有，未經許可，不得轉載。"
COPYRIGHT_HANS = "版权归作者所有，未经许可，不得转载。"


def corpus() -> tuple[list[str], list[str]]:
    """Traditional sentences and titles of the demo articles."""
    from articles import demo

    sentences, titles = [], []
    for item in demo.ARTICLES:
        convert = chinese.to_hant if item["language"] == "zh-hans" else str
        titles.append(convert(item["title"]))
        text = convert(chinese.strip_tags("".join(item["body"])))
        sentences.extend(s.strip() for s in re.split(r"(?<=[。！？])", text) if len(s.strip()) > 8)
    return sorted(set(sentences)), titles


def bodies_from(sentences: list[str], rng: random.Random) -> list[str]:
    bodies = []
    for _ in range(BODIES):
        chosen = rng.sample(sentences, SENTENCES_PER_BODY)
        bodies.append("".join(f"<p>{''.join(chosen[i:i + 3])}</p>" for i in range(0, len(chosen), 3)))
    return bodies


def zipf_picker(count: int, rng: random.Random):
    weights = [1 / (rank + 1) for rank in range(count)]
    cumulative, total = [], 0.0
    for weight in weights:
        total += weight
        cumulative.append(total)

    def pick() -> int:
        return min(bisect.bisect_left(cumulative, rng.random() * total), count - 1)

    return pick


def draw(seed: int) -> bytes:
    image = PILImage.new("RGB", (1200, 675), (20 + seed * 30, 60, 120))
    pen = ImageDraw.Draw(image)
    for i in range(12):
        pen.ellipse((i * 90, 100 + seed * 20, i * 90 + 160, 260 + seed * 20), outline=(240, 200 - i * 10, 80), width=6)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def build(articles: int, tags: int, *, seed: int = 7) -> None:
    call_command("migrate", verbosity=0)
    if Article.objects.count() >= articles:
        print(f"dataset ready: {Article.objects.count()} articles", file=sys.stderr)
        if not search.ranked("資訊"):
            search.rebuild(batch_size=2000)
        store_newest_pages()
        return
    started = time.perf_counter()
    rng = random.Random(seed)
    with transaction.atomic():
        sources = [Source(name=f"來源 {i}", slug=f"source-{i}", reprint_permission="public",
                          homepage=f"https://source{i}.example/", copyright_notice=COPYRIGHT_HANT,
                          name_hant=f"來源 {i}", name_hans=f"来源 {i}") for i in range(20)]
        Source.objects.bulk_create(sources)
        sources = list(Source.objects.order_by("pk"))
        images = [services.image_create(file=ContentFile(draw(i), name="bench.jpg"), alt_text=f"示意圖 {i}",
                                        credit="由無界AI 生成", ai_generated=True) for i in range(5)]
        Tag.objects.bulk_create([Tag(name=f"標籤{i}", slug=f"tag-{i}", name_hans=f"标签{i}") for i in range(tags)])
        tag_ids = list(Tag.objects.order_by("pk").values_list("pk", flat=True))
    sentences, titles = corpus()
    bodies = bodies_from(sentences, rng)
    bodies_hans = [chinese.convert_html(body, chinese.to_hans) for body in bodies]
    titles_hans = [chinese.to_hans(title) for title in titles]
    summaries = [chinese.strip_tags(body).split("。")[0] + "。" for body in bodies]
    summaries_hans = [chinese.to_hans(summary) for summary in summaries]
    pick = zipf_picker(len(tag_ids), rng)
    now = timezone.now()
    batch = 5000
    for start in range(0, articles, batch):
        rows = []
        for n in range(start, min(start + batch, articles)):
            kind = n % len(titles)
            body = (n * 7919) % len(bodies)
            when = now - datetime.timedelta(minutes=n * 7 + 1)
            title = f"{titles[kind]}（{n}）"
            rows.append(Article(
                title=title, slug=f"article-{n}", summary=summaries[body], body=bodies[body], language="zh-hant",
                author="編譯／基準測試", status=Article.Status.PUBLISHED, publish_at=when,
                published_at=when,
                source=sources[n % len(sources)], featured_image=images[n % len(images)],
                title_hant=title, title_hans=f"{titles_hans[kind]}（{n}）", summary_hant=summaries[body],
                summary_hans=summaries_hans[body], body_hant=bodies[body], body_hans=bodies_hans[body],
                copyright_hant=COPYRIGHT_HANT, copyright_hans=COPYRIGHT_HANS,
                original_url=f"https://upstream.example/{n}",
            ))
        with transaction.atomic():
            created = Article.objects.bulk_create(rows)
            links = []
            for article in created:
                chosen = set()
                while len(chosen) < 3:
                    chosen.add(tag_ids[pick()])
                links.extend(TaggedArticle(content_object_id=article.pk, tag_id=tag_id) for tag_id in chosen)
            TaggedArticle.objects.bulk_create(links)
        print(f"\r  articles {min(start + batch, articles):,}/{articles:,}", end="", file=sys.stderr, flush=True)
    print(f"\n  built in {time.perf_counter() - started:.1f} s; indexing for search ...", file=sys.stderr)
    indexed = time.perf_counter()
    search.rebuild(batch_size=2000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would after a bulk load: the planner needs statistics
    print(f"  search index in {time.perf_counter() - indexed:.1f} s", file=sys.stderr)
    store_newest_pages()


def store_newest_pages() -> None:
    """Publishing stores an article's pages; bulk_create does not, so store the newest ones (the rest render
    on request, which `make bench` measures too)."""
    call_command("render_pages", newest=STORED_PAGES, stdout=sys.stderr)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--tags", type=int, default=5000)
    options = parser.parse_args()
    build(options.articles, options.tags)
