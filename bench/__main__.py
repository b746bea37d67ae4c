"""`make bench`: build the benchmark data, serve it with gunicorn (production settings, 2 sync workers),
drive it with wrk on loopback, and print a table (also written to bench/out/results.json).

Every figure that compares with the bare-Django floor is measured in the same run. Every process
this starts is stopped again, also on Ctrl-C.

    python -m bench                # everything
    BENCH_SECONDS=4 python -m bench  # shorter wrk runs
    python -m bench --only pages   # one section: pages, shares, conversion, extras
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PYTHON = sys.executable
SECONDS = int(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = 32
SHARE_CONNECTIONS = 64
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/newsroom_bench")
DATASETS = {"1k": 1_000, "100k": 100_000}
PG_ARTICLES = int(os.environ.get("BENCH_PG_ARTICLES", "100000"))


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- processes -------------------------------------------------------------------------


def production_env(database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}}
    env.update({
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(OUT / "static"),
        "MEDIA_ROOT": str(OUT / "media"),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESSLOG": "",
        "GUNICORN_LOGLEVEL": "warning",
        "SHARE_RATE_LIMIT": "1000000000",
        "LOG_LEVEL": "WARNING",
    })
    env.update(extra)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], probe: str = "/healthz"):
    """Start gunicorn with the project's gunicorn.conf.py; yield its base URL; always stop it."""
    port = free_port()
    env = {**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen([str(Path(PYTHON).parent / "gunicorn"), "-c", "gunicorn.conf.py", app],
                               cwd=ROOT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + probe, timeout=2) as response:  # noqa: S310 - loopback only
                    if response.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def django_run(database_url: str, code: str, **extra: str) -> dict:
    """Run ``code`` in a Django process on ``database_url``; it prints one JSON object last."""
    prelude = "import os, json, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'newsroom.settings'); " \
              "django.setup()\n"
    result = subprocess.run([PYTHON, "-c", prelude + code], cwd=ROOT, env=production_env(database_url, **extra),
                            capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(result.stderr[-3000:])
    return json.loads(result.stdout.strip().splitlines()[-1])


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback only
        return response.read()


# --- wrk -----------------------------------------------------------------------------------


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing wrk from Debian's packages ...")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, env={**os.environ,
                   "DEBIAN_FRONTEND": "noninteractive"})
    return shutil.which("wrk") or "wrk"


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def wrk(url: str, *, connections: int = CONNECTIONS, seconds: int = SECONDS, script: str | None = None) -> dict:
    command = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s*(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.MULTILINE))
    if "50" not in latency or "99" not in latency:
        raise RuntimeError(f"unexpected wrk output for {url}:\n{output}")
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50_ms": _ms(latency["50"]),
        "p99_ms": _ms(latency["99"]),
        "requests": requests,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in errors.groups()) if errors else 0,
    }


# --- sections ------------------------------------------------------------------------------


def sqlite_url(name: str) -> str:
    return f"sqlite:///{OUT / f'bench-{name}.sqlite3'}"


def build_datasets() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, count in DATASETS.items():
        log(f"dataset {name}: {count:,} published articles")
        subprocess.run([PYTHON, "-m", "bench.dataset", "--articles", str(count), "--tags", "5000"], cwd=ROOT,
                       env=production_env(sqlite_url(name)), check=True)
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=production_env(sqlite_url("1k")), check=True)


PAGES_CODE = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from articles.models import Article
import re
from articles.models import ArticlePage
newest = Article.objects.published().order_by('-listed_at')
article = newest.first()
# The dataset stores the newest pages (as publishing would). The oldest article's are removed, as after a deploy
# before render_pages: that page is rendered on request.
unstored = newest.last()
ArticlePage.objects.filter(article=unstored).delete()
assert ArticlePage.objects.filter(article=article).count() == 2, 'the newest article page is stored'
urls = {'article': article.get_absolute_url(), 'unstored': unstored.get_absolute_url(), 'home': '/',
        'tag': '/tags/tag-0/', 'source': '/sources/source-0/'}
client = Client(SERVER_NAME='127.0.0.1')
queries, sizes = {}, {}
for name, url in urls.items():
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries[name] = len(captured)
    sizes[name] = len(response.content)
html = client.get(urls['article']).content.decode()
assets = re.findall(r'<link rel="stylesheet" href="([^"]+)"|<script src="([^"]+)"', html)
weight = {'html': len(html.encode())}
for css, js in assets:
    weight[css or js] = len(b''.join(client.get(css or js).streaming_content))
print(json.dumps({'urls': urls, 'queries': queries, 'bytes': sizes, 'article_weight': weight}))
"""


def bench_pages(results: dict) -> None:
    results["pages"] = {}
    for name in DATASETS:
        database = sqlite_url(name)
        shape = django_run(database, PAGES_CODE, PAGE_CACHE_SECONDS="0")
        figures: dict = {key: shape[key] for key in ("queries", "bytes", "article_weight")}
        with gunicorn("bench.bare:application", production_env(database, BARE_BYTES=str(shape["bytes"]["article"])),
                      probe="/") as base:
            log(f"[{name}] bare Django floor ({shape['bytes']['article']:,} bytes)")
            figures["floor"] = wrk(base + "/")
        for mode, cache_seconds in (("cold", "0"), ("warm", "300")):
            env = production_env(database, PAGE_CACHE_SECONDS=cache_seconds)
            with gunicorn("newsroom.wsgi:application", env) as base:
                for page, url in shape["urls"].items():
                    if mode == "warm":
                        for _ in range(8):  # both workers fill their cache
                            fetch(base + url)
                    log(f"[{name}] {mode} {page}")
                    figures.setdefault(mode, {})[page] = wrk(base + url)
        floor = figures["floor"]["rps"]
        for mode in ("cold", "warm"):
            for page_figures in figures[mode].values():
                page_figures["ratio_to_floor"] = round(page_figures["rps"] / floor, 3)
        results["pages"][name] = figures
    one, big = results["pages"]["1k"], results["pages"]["100k"]
    results["home_p50_100k_over_1k"] = {
        mode: round(big[mode]["home"]["p50_ms"] / one[mode]["home"]["p50_ms"], 2) for mode in ("cold", "warm")
    }


CONVERSION_CODE = r"""
import time, csv, opencc
from articles import services
from articles.text import chinese
from articles.models import GlossaryTerm
rows = list(csv.DictReader(open('tests/data/conversion-corpus.tsv', encoding='utf-8'), delimiter='\t'))
def acceptable(row):
    forms = {row['expected_traditional_tw']}
    for part in row['note'].split('|'):
        if 'also acceptable:' in part:
            forms.update(f.strip() for f in part.split('also acceptable:', 1)[1].split(' / '))
    return forms
text = ''.join(r['simplified'] for r in rows) * 400
megabytes = len(text.encode()) / 1e6
def rate(convert):
    convert('暖身')
    best = None
    for _ in range(3):
        started = time.perf_counter(); convert(text); took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return megabytes / best
plain = opencc.OpenCC('s2twp')
figures = {'megabytes': round(megabytes, 2), 'plain_s2twp_mb_s': round(rate(plain.convert), 2),
           'ours_no_glossary_mb_s': round(rate(chinese.to_hant), 2)}
GlossaryTerm.objects.all().delete()
for i in range(300):
    services.glossary_term_save(term=GlossaryTerm(simplified=f'测试术语{i:03d}号', traditional=f'測試術語{i:03d}號'))
figures['ours_300_glossary_terms_mb_s'] = round(rate(chinese.to_hant), 2)
GlossaryTerm.objects.all().delete()
figures['glossary_overhead'] = round(figures['ours_no_glossary_mb_s'] / figures['ours_300_glossary_terms_mb_s'], 2)
def pass_rate(convert):
    return round(sum(convert(r['simplified']) in acceptable(r) for r in rows) / len(rows), 3)
figures['corpus_pass_rate_plain'] = pass_rate(plain.convert)
figures['corpus_pass_rate_ours'] = pass_rate(chinese.to_hant)
print(json.dumps(figures))
"""


def bench_conversion(results: dict) -> None:
    log("conversion throughput")
    results["conversion"] = django_run(sqlite_url("1k"), CONVERSION_CODE)


SHARE_TARGET_CODE = """
from articles.models import Article
article = Article.objects.published().order_by('-listed_at').first()
print(json.dumps({'id': article.pk, 'total': article.share_total}))
"""


@functools.cache
def postgres_ready() -> bool:
    if not shutil.which("psql"):
        return False
    check = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc",
                            "SELECT 1 FROM pg_database WHERE datname='newsroom_bench'"], capture_output=True, text=True)
    if check.returncode != 0:
        return False
    if check.stdout.strip() != "1":
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", "CREATE DATABASE newsroom_bench"],
                       capture_output=True, check=True)
    subprocess.run([PYTHON, "-m", "bench.dataset", "--articles", str(PG_ARTICLES), "--tags", "5000"], cwd=ROOT,
                   env=production_env(PG_URL), check=True)
    return True


def bench_shares(results: dict) -> None:
    results["shares"] = {}
    databases = {"sqlite": sqlite_url("1k")}
    if postgres_ready():
        databases["postgresql"] = PG_URL
    else:
        log("PostgreSQL not reachable: share figures on SQLite only")
    script = str(ROOT / "bench" / "post.lua")
    for name, database in databases.items():
        with gunicorn("bench.racy:application", production_env(database, PAGE_CACHE_SECONDS="0")) as base:
            for label, path in (("ours", "/articles/{id}/share/"), ("racy_control", "/racy/{id}/")):
                before = django_run(database, SHARE_TARGET_CODE)
                log(f"[{name}] share POSTs, {label}, {SHARE_CONNECTIONS} connections")
                run = wrk(base + path.format(id=before["id"]), connections=SHARE_CONNECTIONS, script=script)
                time.sleep(1)  # let in-flight requests finish before counting
                after = django_run(database, SHARE_TARGET_CODE)
                answered_ok = run["requests"] - run["non2xx"]
                counted = after["total"] - before["total"]
                results["shares"].setdefault(name, {})[label] = {
                    "posts_per_s": run["rps"], "p99_ms": run["p99_ms"], "answered_200": answered_ok,
                    "counted": counted, "lost_updates": max(0, answered_ok - counted), "errors": run["non2xx"],
                }


# --- report --------------------------------------------------------------------------------


def report(results: dict) -> str:
    lines = []
    if "pages" in results:
        lines.append(f"Pages: gunicorn, 2 sync workers, SQLite, wrk {CONNECTIONS} connections, {SECONDS}s each")
        lines.append(f"{'dataset':8} {'page':8} {'mode':5} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
                     f"{'x floor':>8} {'queries':>8}")
        for name, figures in results["pages"].items():
            floor = figures["floor"]
            lines.append(f"{name:8} {'bare':8} {'-':5} {floor['rps']:9.0f} {floor['p50_ms']:8.2f} "
                         f"{floor['p99_ms']:8.2f} {1:8.2f} {'-':>8}")
            weight = figures["article_weight"]
            lines.append(f"{name:8} article page weight before images: {sum(weight.values()) / 1024:.1f} KB "
                         f"({', '.join(f'{k.rsplit(chr(47), 1)[-1]} {v / 1024:.1f}' for k, v in weight.items())})")
            for mode in ("cold", "warm"):
                for page, row in figures[mode].items():
                    queries = figures["queries"][page] if mode == "cold" else 0
                    lines.append(f"{name:8} {page:8} {mode:5} {row['rps']:9.0f} {row['p50_ms']:8.2f} "
                                 f"{row['p99_ms']:8.2f} {row['ratio_to_floor']:8.2f} {queries:>8}")
        lines.append(f"home p50 at 100k / at 1k: {results['home_p50_100k_over_1k']}")
    if "conversion" in results:
        c = results["conversion"]
        lines.append("")
        lines.append(f"Conversion ({c['megabytes']} MB of news text, one core): "
                     f"plain s2twp {c['plain_s2twp_mb_s']} MB/s, ours {c['ours_no_glossary_mb_s']} MB/s, "
                     "with 300 glossary terms "
                     f"{c['ours_300_glossary_terms_mb_s']} MB/s (overhead {c['glossary_overhead']}x)")
        lines.append(f"Corpus pass rate: plain s2twp {c['corpus_pass_rate_plain']:.0%}, "
                     f"ours {c['corpus_pass_rate_ours']:.0%}")
    if "shares" in results:
        lines.append("")
        lines.append(f"Share POSTs, {SHARE_CONNECTIONS} connections, {SECONDS}s")
        for database, rows in results["shares"].items():
            for label, row in rows.items():
                lines.append(f"  {database:10} {label:13} {row['posts_per_s']:8.0f}/s  p99 {row['p99_ms']:7.2f} ms  "
                             f"answered 200: {row['answered_200']:6}  counted: {row['counted']:6}  "
                             f"lost: {row['lost_updates']}")
    for key, value in results.get("extras", {}).items():
        lines.append(f"{key}: {value}")
    return "\n".join(lines)


SECTIONS = {"pages": bench_pages, "conversion": bench_conversion, "shares": bench_shares}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=[*SECTIONS, "extras"], action="append", help="run only these sections")
    options = parser.parse_args()
    ensure_wrk()
    build_datasets()
    results: dict = {"seconds_per_run": SECONDS, "cpus": os.cpu_count()}
    for name, section in SECTIONS.items():
        if not options.only or name in options.only:
            section(results)
    if not options.only or "extras" in options.only:
        from bench import extras

        results["extras"] = extras.run(django_run, sqlite_url, PG_URL if postgres_ready() else None)
    (OUT / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(report(results))
    print(f"\n(written to {OUT / 'results.json'})")


if __name__ == "__main__":
    main()
