"""The pages section of `make bench`: every page type on several hundred distinct URLs, four ways.

For each dataset it writes one URL list per page type (bench/out/urls-<dataset>-<page>.txt) and drives gunicorn
with wrk and bench/urls.lua, which asks for a random URL of the list on every request:

* **floor**: a bare Django view serving as many bytes as an article page, same gunicorn configuration, same run;
* **cold**: ``PAGE_CACHE_SECONDS=0`` — articles come from their stored pages (checked current before the run),
  ``unstored`` articles (pages deleted, as after a bulk load) are rendered live, lists are rendered live;
* **warm (Redis)**: the production cache backend, a database and key prefix of the bench's own;
* **warm (file)**: the default shared file cache (no ``REDIS_URL``), its folder in bench/out.

Before a warm run every URL is fetched twice (a page is stored on the request after its dependency stamps first
exist), and a sample is fetched again to report the share of cache hits.
"""

from __future__ import annotations

import os
import random
import shutil
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bench.harness import (
    CONNECTIONS,
    DATASETS,
    OUT,
    ROOT,
    SECONDS,
    django_run,
    gunicorn,
    log,
    production_env,
    sqlite_url,
    wrk,
)

REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5")
SCRIPT = str(ROOT / "bench" / "urls.lua")
MODES = ("cold", "warm_redis", "warm_file")
# Targets (issue 15): what readers get, against the floor measured in the same run.
WARM_ARTICLE_MIN_RATIO = 0.8
COLD_ARTICLE_MIN_RATIO = 0.25
WARM_P99_MAX_MS = 25.0

URLS_CODE = """
import re
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles import selectors
from articles.models import Article, ArticlePage, Source, Tag
ARTICLES = 300
newest = list(Article.objects.published().order_by('-listed_at')[:ARTICLES])
oldest = list(Article.objects.published().order_by('listed_at')[:ARTICLES])
# The newest articles' pages are stored and current (as after publishing or render_pages); the oldest ones' are
# removed, as after a bulk load before render_pages: those render on request.
ArticlePage.objects.filter(article__in=oldest).delete()
call_command('render_pages', newest=ARTICLES, verbosity=0)
stale = selectors.article_ids_to_render(only=[a.pk for a in newest])
assert not stale, f'{len(stale)} of the newest articles have no current stored page'
scripts = ('', '/zh-hans')
per_page = settings.ARTICLES_PER_PAGE
published = Article.objects.published().count()
home_pages = min(settings.ARTICLES_MAX_PAGES, -(-published // per_page))
tags = Tag.objects.annotate(n=Count('tagged_articles')).filter(n__gt=0).order_by('-n', 'pk')[:ARTICLES]
sources = list(Source.objects.order_by('pk'))
source_pages = max(1, min(15, ARTICLES // max(1, len(sources))))
urls = {
    'article': [s + a.get_absolute_url() for a in newest for s in scripts],
    'unstored': [s + a.get_absolute_url() for a in oldest for s in scripts],
    'home': [f'{s}/?page={n}' for n in range(1, home_pages + 1) for s in scripts],
    'tag': [f'{s}/tags/{t.slug}/' for t in tags for s in scripts],
    'source': [],
}
for source in sources:
    count = Article.objects.published().filter(source=source).count()
    for n in range(1, min(source_pages, -(-count // per_page)) + 1):
        urls['source'].extend(f'{s}/sources/{source.slug}/?page={n}' for s in scripts)
client = Client(SERVER_NAME='127.0.0.1')
queries, sizes = {}, {}
for name, paths in urls.items():
    client.get(paths[0])
    with CaptureQueriesContext(connection) as captured:
        response = client.get(paths[0])
    assert response.status_code == 200, (paths[0], response.status_code)
    queries[name] = len(captured)
    sizes[name] = len(response.content)
html = client.get(urls['article'][0]).content.decode()
assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html)
weight = {'html': len(html.encode())}
for css, js in assets:
    weight[css or js] = len(b''.join(client.get(css or js).streaming_content))
print(json.dumps({'urls': urls, 'queries': queries, 'bytes': sizes, 'article_weight': weight}))
"""


def _get(url: str) -> str:
    """Fetch ``url``; return its X-Page-Cache header ('' when the cache did not answer)."""
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback only
        response.read()
        return response.headers.get("X-Page-Cache", "")


def warm(base: str, paths: list[str]) -> float:
    """Fetch every path twice (stamps first, then the stored page); return the share of hits in a sample after."""
    with ThreadPoolExecutor(8) as pool:
        for _ in range(2):
            list(pool.map(_get, [base + path for path in paths]))
        sample = random.sample(paths, min(100, len(paths)))
        answers = list(pool.map(_get, [base + path for path in sample]))
    return round(answers.count("hit") / len(answers), 3)


def _clear_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    for start in range(0, len(keys), 1000):
        client.delete(*keys[start:start + 1000])


def bench_pages(results: dict) -> None:
    results["pages"] = {}
    for name in DATASETS:
        database = sqlite_url(name)
        shape = django_run(database, URLS_CODE, PAGE_CACHE_SECONDS="0")
        lists = {}
        for page, paths in shape["urls"].items():
            lists[page] = OUT / f"urls-{name}-{page}.txt"
            lists[page].write_text("\n".join(paths) + "\n")
        figures: dict = {key: shape[key] for key in ("queries", "bytes", "article_weight")}
        figures["distinct_urls"] = {page: len(paths) for page, paths in shape["urls"].items()}
        with gunicorn("bench.bare:application", production_env(database, BARE_BYTES=str(shape["bytes"]["article"])),
                      probe="/") as base:
            log(f"[{name}] bare Django floor ({shape['bytes']['article']:,} bytes)")
            floor_list = OUT / "urls-floor.txt"  # the same client-side work as the pages' runs
            floor_list.write_text("".join(f"/?n={n}\n" for n in range(600)))
            figures["floor"] = wrk(base + "/", script=SCRIPT, script_args=(str(floor_list),))
        prefix = f"bench{os.getpid()}{name}"
        cache_dir = OUT / f"cache-{name}"
        shutil.rmtree(cache_dir, ignore_errors=True)
        environments = {
            "cold": {"PAGE_CACHE_SECONDS": "0", "CACHE_DIR": str(cache_dir)},
            "warm_redis": {"PAGE_CACHE_SECONDS": "300", "REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix},
            "warm_file": {"PAGE_CACHE_SECONDS": "300", "CACHE_DIR": str(cache_dir)},
        }
        try:
            for mode, extra in environments.items():
                with gunicorn("newsroom.wsgi:application", production_env(database, **extra)) as base:
                    for page, path in lists.items():
                        hits = None
                        if mode != "cold":
                            hits = warm(base, shape["urls"][page])
                        log(f"[{name}] {mode} {page} ({figures['distinct_urls'][page]} URLs"
                            + (f", {hits:.0%} hits after warming)" if hits is not None else ")"))
                        row = wrk(base + "/", script=SCRIPT, script_args=(str(path),))
                        row["ratio_to_floor"] = round(row["rps"] / figures["floor"]["rps"], 3)
                        row["hit_share_after_warming"] = hits
                        figures.setdefault(mode, {})[page] = row
        finally:
            _clear_redis_prefix(prefix)
            shutil.rmtree(cache_dir, ignore_errors=True)
        results["pages"][name] = figures
    results["targets"] = targets(results["pages"])
    one, big = results["pages"]["1k"], results["pages"]["100k"]
    results["home_p50_100k_over_1k"] = {
        mode: round(big[mode]["home"]["p50_ms"] / one[mode]["home"]["p50_ms"], 2) for mode in MODES
    }


def targets(pages: dict) -> list[dict]:
    checks = []
    for name, figures in pages.items():
        cold = figures["cold"]["article"]["ratio_to_floor"]
        checks.append({"what": f"{name} cold article x floor >= {COLD_ARTICLE_MIN_RATIO}", "value": cold,
                       "pass": cold >= COLD_ARTICLE_MIN_RATIO})
        for mode in ("warm_redis", "warm_file"):
            ratio = figures[mode]["article"]["ratio_to_floor"]
            checks.append({"what": f"{name} {mode} article x floor >= {WARM_ARTICLE_MIN_RATIO}", "value": ratio,
                           "pass": ratio >= WARM_ARTICLE_MIN_RATIO})
            worst = max(figures[mode].values(), key=lambda row: row["p99_ms"])
            page = next(p for p, row in figures[mode].items() if row is worst)
            checks.append({"what": f"{name} {mode} p99 < {WARM_P99_MAX_MS:.0f} ms (worst: {page})",
                           "value": worst["p99_ms"], "pass": worst["p99_ms"] < WARM_P99_MAX_MS})
    return checks


def report(results: dict) -> list[str]:
    lines = [f"Pages: gunicorn, 2 sync workers, SQLite, wrk {CONNECTIONS} connections, {SECONDS}s each, "
             "a random URL of the list on every request"]
    lines.append(f"{'dataset':8} {'page':9} {'URLs':>5} {'mode':10} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
                 f"{'x floor':>7} {'hits':>5} {'queries':>7} {'non2xx':>6}")
    for name, figures in results["pages"].items():
        floor = figures["floor"]
        lines.append(f"{name:8} {'bare':9} {1:>5} {'floor':10} {floor['rps']:8.0f} {floor['p50_ms']:7.2f} "
                     f"{floor['p99_ms']:7.2f} {1:7.2f}")
        for page in figures["cold"]:
            for mode in MODES:
                row = figures[mode][page]
                hits = "-" if row["hit_share_after_warming"] is None else f"{row['hit_share_after_warming']:.0%}"
                queries = figures["queries"][page] if mode == "cold" else "-"
                lines.append(f"{name:8} {page:9} {figures['distinct_urls'][page]:>5} {mode:10} {row['rps']:8.0f} "
                             f"{row['p50_ms']:7.2f} {row['p99_ms']:7.2f} {row['ratio_to_floor']:7.2f} {hits:>5} "
                             f"{queries:>7} {row['non2xx']:>6}")
        weight = figures["article_weight"]
        lines.append(f"{name:8} article page weight before images: {sum(weight.values()) / 1024:.1f} KB "
                     f"({', '.join(f'{k.rsplit(chr(47), 1)[-1]} {v / 1024:.1f}' for k, v in weight.items())})")
    lines.append(f"home p50 at 100k / at 1k: {results['home_p50_100k_over_1k']}")
    lines.append("Targets:")
    for check in results["targets"]:
        lines.append(f"  {'PASS' if check['pass'] else 'FAIL'}  {check['what']}: {check['value']}")
    return lines
