"""Figures other features add to `make bench`: renditions, decompression bombs, imports, related, search.

Each runs in its own Django process (``django_run``) against the benchmark databases.
"""

from __future__ import annotations

from pathlib import Path

RENDITIONS = """
import statistics
from bench import images as bench_images
from tests.imagedata import sample_jpeg
sample = sample_jpeg(4000, 3000)
runs = [bench_images.bench_make_all(sample) for _ in range(3)]
seconds = [run.get('seconds', 0) for run in runs]
print(json.dumps({'renditions_4000x3000_seconds_median': round(statistics.median(seconds), 3),
                  'renditions_made': runs[0].get('renditions', runs[0].get('count'))}))
"""

BOMB = """
import resource
from bench import images as bench_images
from tests.imagedata import decompression_bomb_png
payload = decompression_bomb_png(30000)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = bench_images.bench_validate_bomb(payload)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({'bomb_30000x30000_png_refused_seconds': round(result.get('seconds', 0), 3),
                  'bomb_refused_with': result['refused'],
                  'bomb_peak_rss_growth_mb': round((after - before) / 1024, 1),
                  'bomb_python_heap_peak_kb': round(result.get('peak_bytes', 0) / 1024, 1)}))
"""

IMPORTS = """
import tempfile, time, pathlib
from django.core.management import call_command
from articles import services
call_command('migrate', verbosity=0)
folder = pathlib.Path(tempfile.mkdtemp())
records = [{'guid': f'bench-{i}', 'url': f'https://upstream.example/{i}', 'title': f'基準測試第{i}篇：雲计算市场再扩大',
            'summary': '大语言模型的推理成本持续下降。', 'language': 'zh-Hans',
            'body': '<p>' + '云服务业者纷纷推出更便宜的方案，让中小企业也能负担。' * 20 + '</p>',
            'published_at': '2026-11-01T08:00:00+08:00', 'source': {'name': '基準來源', 'url': 'https://bench.example'},
            'tags': ['云计算', f'標籤{i % 50}']} for i in range(2000)]
(folder / 'bench.json').write_text(json.dumps(records, ensure_ascii=False), encoding='utf-8')
started = time.perf_counter(); first = services.articles_import(paths=[str(folder / 'bench.json')])
first_seconds = time.perf_counter() - started
started = time.perf_counter(); again = services.articles_import(paths=[str(folder / 'bench.json')])
again_seconds = time.perf_counter() - started
print(json.dumps({'import_2000_records_per_s': round(2000 / first_seconds, 1),
                  'reimport_unchanged_records_per_s': round(2000 / again_seconds, 1),
                  'import_summary': first.summary, 'reimport_summary': again.summary}))
"""

RELATED = """
import statistics, time
from articles import related
from articles.models import Article, RelatedArticle
ids = list(Article.objects.order_by('-pk').values_list('pk', flat=True)[:40])
batch = list(Article.objects.order_by('?').values_list('pk', flat=True)[:500])
related.refresh_article(ids[0])
times = []
for pk in ids[1:]:
    started = time.perf_counter(); related.refresh_article(pk); times.append((time.perf_counter() - started) * 1000)
RelatedArticle.objects.filter(article_id__in=batch, kind='computed').delete()
started = time.perf_counter(); count, rows = related.rebuild(article_ids=batch)
seconds = time.perf_counter() - started
print(json.dumps({'related_recompute_one_ms_median': round(statistics.median(times), 1),
                  'related_recompute_one_ms_max': round(max(times), 1),
                  'related_rebuild_articles_per_s': round(count / seconds, 1)}))
"""

SEARCH = """
import time
from articles import selectors
queries = ['資訊安全', '信息安全', '雲端運算', '区块链', '晶片', '釣魚郵件', '大型語言模型', '備份', '資料庫', '交易所',
           '推論成本', '東南亞', '產能', '驗證', '開源', '監管', '模型', '中小企業', '先進封裝', '多重驗證']
for query in queries:
    selectors.article_search(query=query)[0:12]
times = []
for _ in range(5):
    for query in queries:
        started = time.perf_counter(); selectors.article_search(query=query)[0:12]
        times.append((time.perf_counter() - started) * 1000)
times.sort()
print(json.dumps({'p50_ms': round(times[len(times) // 2], 1), 'p99_ms': round(times[int(len(times) * 0.99) - 1], 1)}))
"""


def run(django_run, sqlite_url, pg_url) -> dict:
    figures: dict = {}
    for name, code, database in (("renditions", RENDITIONS, sqlite_url("1k")), ("bomb", BOMB, sqlite_url("1k"))):
        try:
            figures.update(django_run(database, code))
        except Exception as exc:  # noqa: BLE001 - one failing section must not hide the others
            figures[f"{name}_error"] = str(exc)[-300:]
    try:
        scratch = sqlite_url("imports").removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            Path(scratch + suffix).unlink(missing_ok=True)  # a fresh database: the first run creates everything
        figures.update(django_run(sqlite_url("imports"), IMPORTS))
    except Exception as exc:  # noqa: BLE001
        figures["imports_error"] = str(exc)[-300:]
    try:
        figures.update({f"sqlite_100k_{k}": v for k, v in django_run(sqlite_url("100k"), RELATED).items()})
    except Exception as exc:  # noqa: BLE001
        figures["related_error"] = str(exc)[-300:]
    figures.update({f"search_sqlite_100k_{k}": v for k, v in django_run(sqlite_url("100k"), SEARCH).items()})
    if pg_url:
        figures.update({f"search_postgresql_100k_{k}": v for k, v in django_run(pg_url, SEARCH).items()})
        try:
            figures.update({f"postgresql_100k_{k}": v for k, v in django_run(pg_url, RELATED).items()})
        except Exception as exc:  # noqa: BLE001
            figures["related_postgresql_error"] = str(exc)[-300:]
    return figures
