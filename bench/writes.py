"""The writes section of `make bench`: what editors and imports wait for, and what the task worker then does.

All on SQLite with ``TASKS_BACKEND=database`` (the default), so background work is queued as in production and
``manage.py run_tasks`` (run as an operator would, in its own process) is timed separately:

* **imports**: a fresh database with the demo loaded; a JSON file of 2,000 new records (no images; bodies drawn
  from the demo corpus, half Simplified, half Traditional; 3 tags each; a source with a url) imported with
  ``manage.py import_articles FILE``;
* **editor's save**: on that database, an editor logged in with the Django test client POSTs the admin change form
  of published articles 30 times, changing the title; server time per save;
* **tag rename**: a dataset of 10,000 published articles, each with 3 of 3 tags, every page stored and current
  (the render job renders every listed article without a current page, so only a fully stored site times the
  rename alone); ``services.tag_save`` timed (the editor's part), then ``run_tasks`` until the queue is
  empty, then every one of those articles must have a current stored page and a sample must show the new name.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

from bench.harness import OUT, PYTHON, ROOT, django_run, log, production_env, sqlite_url

RECORDS = 2_000
SAVES = 30
TAG_ARTICLES = 10_000
# Targets (issue 15)
IMPORT_MIN_RECORDS_PER_S = 300
SAVE_MAX_P50_MS = 250

SETUP_CODE = """
from django.core.management import call_command
call_command('migrate', verbosity=0)
call_command('load_demo', verbosity=0)
from articles.models import Article
print(json.dumps({'published': Article.objects.published().count()}))
"""

RECORDS_CODE = """
import random, re
from bench.dataset import corpus
from articles.text import chinese
rng = random.Random(15)
sentences, titles = corpus()
tags = sorted({chinese.strip_tags(t)[:4] for t in titles} | {f'議題{i}' for i in range(200)})
records = []
for i in range(COUNT):
    chosen = rng.sample(sentences, 12)
    body = ''.join(f'<p>{"".join(chosen[j:j + 3])}</p>' for j in range(0, 12, 3))
    title = f'{rng.choice(titles)}（匯入 {i}）'
    summary = chosen[0]
    hans = i % 2 == 0
    if hans:
        body, title, summary = chinese.convert_html(body, chinese.to_hans), chinese.to_hans(title), \\
            chinese.to_hans(summary)
    records.append({'guid': f'bench-import-{i}', 'url': f'https://wire.bench.example/news/{i}', 'title': title,
                    'summary': summary, 'body': body, 'language': 'zh-Hans' if hans else 'zh-Hant',
                    'published_at': f'2026-11-{1 + i % 28:02d}T08:00:00+08:00',
                    'source': {'name': '基準通訊社', 'url': 'https://wire.bench.example/'},
                    'tags': rng.sample(tags, 3)})
open(PATH, 'w', encoding='utf-8').write(json.dumps(records, ensure_ascii=False))
print(json.dumps({'records': len(records), 'bytes': sum(len(r['body']) for r in records)}))
"""

QUEUE_CODE = """
from django_tasks_db.models import DBTaskResult
from django.db.models import Count
states = dict(DBTaskResult.objects.values_list('status').annotate(n=Count('id')))
print(json.dumps({str(k): v for k, v in states.items()}))
"""

SAVES_CODE = """
import statistics, time
from html.parser import HTMLParser
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from articles.models import Article


class FormFields(HTMLParser):
    '''The fields a browser would send for <form id="article_form">.'''

    def __init__(self):
        super().__init__()
        self.inside, self.fields, self.select, self.textarea = False, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'form':
            self.inside = a.get('id') == 'article_form'
        if not self.inside or 'name' not in a and tag != 'option':
            return
        if tag == 'input':
            kind = a.get('type', 'text')
            if kind in ('submit', 'button', 'file', 'image', 'reset'):
                return
            if kind in ('checkbox', 'radio') and 'checked' not in a:
                return
            self.fields.append((a['name'], a.get('value', 'on' if kind in ('checkbox', 'radio') else '')))
        elif tag == 'textarea':
            self.textarea = [a['name'], '']
        elif tag == 'select':
            self.select = a['name']
        elif tag == 'option' and self.select and 'selected' in a:
            self.fields.append((self.select, a.get('value', '')))

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == 'textarea' and self.textarea is not None:
            self.fields.append(tuple(self.textarea))
            self.textarea = None
        elif tag == 'select':
            self.select = None
        elif tag == 'form':
            self.inside = False


def form_data(html):
    parser = FormFields()
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        data.setdefault(name, []).append(value)
    return data


user, _ = User.objects.get_or_create(username='bench-editor', defaults={'is_staff': True})
user.groups.add(Group.objects.get(name='editors'))
client = Client(SERVER_NAME='127.0.0.1')
client.force_login(user)
articles = list(Article.objects.published().order_by('-listed_at'))
times, failures = [], []
for i in range(SAVES):
    article = articles[i % len(articles)]
    url = reverse('admin:articles_article_change', args=[article.pk])
    data = form_data(client.get(url).content.decode())
    data['title'] = [f'{article.title.split("（修訂")[0]}（修訂 {i}）']
    data['_save'] = ['儲存']
    started = time.perf_counter()
    response = client.post(url, data)
    took = (time.perf_counter() - started) * 1000
    if response.status_code != 302:
        errors = response.context['adminform'].form.errors if response.context else response.status_code
        failures.append(str(errors)[:300])
        continue
    times.append(took)
    assert Article.objects.get(pk=article.pk).title == data['title'][0]
times.sort()
print(json.dumps({'saves': len(times), 'failures': failures[:3],
                  'p50_ms': round(statistics.median(times), 1) if times else None,
                  'p95_ms': round(times[int(len(times) * 0.95) - 1], 1) if times else None,
                  'max_ms': round(max(times), 1) if times else None}))
"""

TAG_SETUP_CODE = """
import time
from django.db.models import Count
from articles import pages, selectors
from articles.models import Article, TaggedArticle
row = (TaggedArticle.objects.filter(content_object__status=Article.Status.PUBLISHED).values('tag')
       .annotate(n=Count('id')).filter(n__gte=LEAST).order_by('n').first())
assert row, 'no tag is on enough published articles'
ids = list(Article.objects.published().filter(tagged_items__tag_id=row['tag']).values_list('pk', flat=True))
started = time.perf_counter()
todo = selectors.article_ids_to_render(only=ids)
for pk in todo:  # as render_pages after a bulk load: every one of them has a current stored page
    pages.render_article(pk)
assert not selectors.article_ids_to_render(only=ids)
print(json.dumps({'tag': row['tag'], 'articles': len(ids), 'rendered_first': len(todo),
                  'setup_seconds': round(time.perf_counter() - started, 1)}))
"""

TAG_SAVE_CODE = """
import time
from articles import services
from articles.models import Tag
tag = Tag.objects.get(pk=TAG)
tag.name, tag.name_hans = '改名後的標籤', '改名后的标签'
started = time.perf_counter()
services.tag_save(tag=tag)
print(json.dumps({'tag_save_seconds': round(time.perf_counter() - started, 3)}))
"""

TAG_CHECK_CODE = """
import random
from articles import selectors
from articles.models import Article, ArticlePage
ids = list(Article.objects.published().filter(tagged_items__tag_id=TAG).values_list('pk', flat=True))
stale = selectors.article_ids_to_render(only=ids)
sample = random.Random(15).sample(ids, 100)
stored = ArticlePage.objects.filter(article_id__in=sample)
shows = sum(('改名後的標籤' if p.language == 'zh-hant' else '改名后的标签') in p.html for p in stored)
print(json.dumps({'stale_after': len(stale), 'sample_pages': len(sample) * 2, 'sample_pages_stored': stored.count(),
                  'sample_pages_with_new_name': shows,
                  'ok': not stale and shows == len(sample) * 2 == stored.count()}))
"""


def manage(database: str, *args: str, **extra: str) -> tuple[float, str]:
    """Run ``manage.py *args`` as an operator would; return its wall time and its last output line."""
    started = time.perf_counter()
    result = subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=production_env(database, **extra),
                            capture_output=True, text=True, timeout=3600)
    seconds = time.perf_counter() - started
    lines = (result.stdout.strip() or result.stderr.strip()).splitlines()
    if result.returncode not in (0, 1):
        raise RuntimeError(result.stderr[-2000:])
    return seconds, (lines[-1] if lines else "")


def fresh(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def bench_writes(results: dict) -> None:
    figures: dict = {}
    cache = {"CACHE_DIR": str(OUT / "cache-writes"), "TASKS_BACKEND": "database"}
    shutil.rmtree(cache["CACHE_DIR"], ignore_errors=True)
    demo = sqlite_url("writes-demo")
    fresh(OUT / "bench-writes-demo.sqlite3")
    log("[writes] a fresh database with the demo loaded")
    figures["demo_published"] = django_run(demo, SETUP_CODE, **cache)["published"]
    manage(demo, "run_tasks", **cache)  # the demo's own renders out of the way

    log(f"[writes] an editor's save, {SAVES} times")
    figures["editor_save"] = django_run(demo, SAVES_CODE.replace("SAVES", str(SAVES)), **cache)
    seconds, _ = manage(demo, "run_tasks", **cache)
    figures["editor_save"]["run_tasks_after_seconds"] = round(seconds, 2)

    records = OUT / "import-2000.json"
    django_run(demo, RECORDS_CODE.replace("COUNT", str(RECORDS)).replace("PATH", repr(str(records))), **cache)
    log(f"[writes] manage.py import_articles ({RECORDS:,} records)")
    seconds, summary = manage(demo, "import_articles", str(records), **cache)
    queued = django_run(demo, QUEUE_CODE, **cache)
    log("[writes] run_tasks after the import")
    tasks_seconds, _ = manage(demo, "run_tasks", **cache)
    figures["import"] = {"records": RECORDS, "seconds": round(seconds, 2), "records_per_s": round(RECORDS / seconds, 1),
                         "summary": summary, "jobs_by_state_before_run_tasks": queued,
                         "run_tasks_seconds": round(tasks_seconds, 2),
                         "jobs_by_state_after": django_run(demo, QUEUE_CODE, **cache)}

    # The render job renders every listed article without a current page, so a dataset whose pages are not all
    # stored (the 100k one stores the newest 500) would time rendering the archive, not the rename: this one has
    # 10,000 articles, each with 3 of 3 tags, every page stored before the rename.
    log(f"[writes] tag rename: a dataset of {TAG_ARTICLES:,} articles, each tag on all of them")
    copy = OUT / "bench-writes-tags.sqlite3"
    fresh(copy)
    database = sqlite_url("writes-tags")
    subprocess.run([PYTHON, "-m", "bench.dataset", "--articles", str(TAG_ARTICLES), "--tags", "3"], cwd=ROOT,
                   env=production_env(database, **cache), check=True, capture_output=True)
    log(f"[writes] storing the pages of a tag's {TAG_ARTICLES:,}+ articles (setup, not timed as the rename)")
    setup = django_run(database, TAG_SETUP_CODE.replace("LEAST", str(TAG_ARTICLES)), **cache)
    manage(database, "run_tasks", **cache)  # nothing of the setup left waiting
    log(f"[writes] renaming a tag on {setup['articles']:,} articles")
    saved = django_run(database, TAG_SAVE_CODE.replace("TAG", str(setup["tag"])), **cache)
    queued = django_run(database, QUEUE_CODE, **cache)
    tasks_seconds, _ = manage(database, "run_tasks", **cache)
    check = django_run(database, TAG_CHECK_CODE.replace("TAG", str(setup["tag"])), **cache)
    figures["tag_rename"] = {**setup, **saved, "jobs_by_state_before_run_tasks": queued,
                             "run_tasks_seconds": round(tasks_seconds, 1), "check": check}
    shutil.rmtree(cache["CACHE_DIR"], ignore_errors=True)
    results["writes"] = figures


def report(results: dict) -> list[str]:
    w = results["writes"]
    imp, save, tag = w["import"], w["editor_save"], w["tag_rename"]
    lines = ["", "Writes (SQLite, TASKS_BACKEND=database; run_tasks timed in its own process)"]
    lines.append(f"  import_articles, {imp['records']:,} new records: {imp['seconds']} s = {imp['records_per_s']}/s "
                 f"({imp['summary']}); then run_tasks {imp['run_tasks_seconds']} s "
                 f"(jobs queued: {imp['jobs_by_state_before_run_tasks']})")
    lines.append(f"  editor's save (admin change form, demo database, {save['saves']} saves): "
                 f"p50 {save['p50_ms']} ms, p95 {save['p95_ms']} ms, max {save['max_ms']} ms; "
                 f"run_tasks after {save['run_tasks_after_seconds']} s"
                 + (f"; failures: {save['failures']}" if save["failures"] else ""))
    lines.append(f"  tag rename on {tag['articles']:,} published articles (every page stored before): tag_save "
                 f"{tag['tag_save_seconds']} s, then run_tasks {tag['run_tasks_seconds']} s; check: "
                 f"{'OK' if tag['check']['ok'] else 'FAILED'} ({tag['check']})")
    lines.append("Targets:")
    for ok, text in (
        (imp["records_per_s"] >= IMPORT_MIN_RECORDS_PER_S,
         f"import >= {IMPORT_MIN_RECORDS_PER_S} records/s: {imp['records_per_s']}"),
        (save["p50_ms"] is not None and save["p50_ms"] < SAVE_MAX_P50_MS,
         f"editor's save p50 < {SAVE_MAX_P50_MS} ms: {save['p50_ms']}"),
        (tag["check"]["ok"], "tag rename: every page current and showing the new name"),
    ):
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {text}")
    return lines
