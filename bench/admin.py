"""The admin section of `make bench` (issue 17): the editors' desk on the 100,000-article dataset.

In one Django process with production settings (``django_run``), an editor (editors group, not a superuser) logged
in with the Django test client (``force_login``) GETs, timed server-side (the whole request through the middleware,
no network):

* the article change list, first page;
* the change list with a search term and a status filter (``?q=…&status__exact=published``), one of several terms;
* the article change form of 30 different articles, spread over the archive.

One untimed request of each kind first (templates loaded, the first connection opened). For each page: p50, p95,
max, the number of SQL queries per request and the time spent in them (counted with ``connection.execute_wrapper``,
which costs microseconds). Target (issue 17): p50 < 150 ms for the list and the form.
"""

from __future__ import annotations

import shutil

from bench.harness import OUT, django_run, log, sqlite_url

FORMS = 30
LIST_REPEATS = 20
MAX_P50_MS = 150
SEARCH_TERMS = ["模型", "資安", "晶片", "雲端", "監管", "開源", "備份", "交易所", "東南亞", "驗證"]

ADMIN_CODE = """
import statistics, time
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.urls import reverse
from articles.models import Article

user, _ = User.objects.get_or_create(username='bench-editor', defaults={'is_staff': True})
user.groups.add(Group.objects.get(name='editors'))
assert not user.is_superuser
client = Client(SERVER_NAME='127.0.0.1')
client.force_login(user)


class Queries:
    def __init__(self):
        self.count, self.seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count += 1
            self.seconds += time.perf_counter() - started


def timed(url):
    queries = Queries()
    with connection.execute_wrapper(queries):
        started = time.perf_counter()
        response = client.get(url)
        took = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, f'{url}: HTTP {response.status_code}'
    return took, queries.count, queries.seconds * 1000, response


def summary(runs):
    times = sorted(r[0] for r in runs)
    counts = [r[1] for r in runs]
    return {'requests': len(runs), 'p50_ms': round(statistics.median(times), 1),
            'p95_ms': round(times[max(0, -(-len(times) * 95 // 100) - 1)], 1), 'max_ms': round(times[-1], 1),
            'queries_min': min(counts), 'queries_max': max(counts),
            'sql_ms_p50': round(statistics.median(r[2] for r in runs), 1)}


changelist = reverse('admin:articles_article_changelist')
figures = {'articles': Article.objects.count()}

first = timed(changelist)  # untimed warm-up: templates, the first connection
figures['changelist_first_request_ms'] = round(first[0], 1)
assert '<tr' in first[3].content.decode(), 'the change list shows no rows'
figures['changelist'] = summary([timed(changelist) for _ in range(REPEATS)])

searches = [f'{changelist}?q={term}&status__exact=published' for term in TERMS]
timed(searches[0])
runs = [timed(searches[i % len(searches)]) for i in range(REPEATS)]
figures['changelist_search'] = summary(runs)
figures['changelist_search']['terms'] = len(TERMS)

ids = list(Article.objects.order_by('pk').values_list('pk', flat=True))
chosen = [ids[i * (len(ids) - 1) // (FORMS - 1)] for i in range(FORMS)]
timed(reverse('admin:articles_article_change', args=[ids[len(ids) // 2 + 1]]))
runs = []
for pk in chosen:
    run = timed(reverse('admin:articles_article_change', args=[pk]))
    assert 'id="article_form"' in run[3].content.decode(), f'article {pk}: no change form'
    runs.append(run)
figures['change_form'] = summary(runs)
print(json.dumps(figures))
"""


def admin_code(*, forms: int = FORMS, repeats: int = LIST_REPEATS, terms: list[str] = SEARCH_TERMS) -> str:
    """The code ``django_run`` runs (``tests/test_bench.py`` runs it with small numbers on the test database)."""
    return ADMIN_CODE.replace("REPEATS", str(repeats)).replace("TERMS", repr(terms)).replace("FORMS", str(forms))


def bench_admin(results: dict) -> None:
    log(f"[admin] an editor's change list and change form on the 100k dataset ({FORMS} articles)")
    cache = {"CACHE_DIR": str(OUT / "cache-admin")}
    shutil.rmtree(cache["CACHE_DIR"], ignore_errors=True)
    try:
        results["admin"] = django_run(sqlite_url("100k"), admin_code(), **cache)
    finally:
        shutil.rmtree(cache["CACHE_DIR"], ignore_errors=True)


def report(results: dict) -> list[str]:
    a = results["admin"]
    lines = ["", f"Admin, an editor on SQLite with {a['articles']:,} articles (server time, Django test client)"]
    rows = (("change list, first page", a["changelist"]),
            (f"change list, search + status filter ({a['changelist_search']['terms']} terms)", a["changelist_search"]),
            ("change form (GET), different articles", a["change_form"]))
    for label, row in rows:
        queries = (f"{row['queries_min']}" if row["queries_min"] == row["queries_max"]
                   else f"{row['queries_min']}-{row['queries_max']}")
        lines.append(f"  {label}: {row['requests']} requests, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, "
                     f"max {row['max_ms']} ms; {queries} queries, SQL p50 {row['sql_ms_p50']} ms")
    lines.append("Targets:")
    for label, row in rows:
        ok = row["p50_ms"] < MAX_P50_MS
        lines.append(f"  {'PASS' if ok else 'FAIL'}  {label} p50 < {MAX_P50_MS} ms: {row['p50_ms']}")
    return lines
