"""`make bench`: build the benchmark data, serve it with gunicorn (production settings, 2 sync workers),
drive it with wrk on loopback, and print a table (also written to bench/out/results.json).

Every figure that compares with the bare-Django floor is measured in the same run. Every process
this starts is stopped again, also on Ctrl-C.

    python -m bench                # everything
    BENCH_SECONDS=4 python -m bench  # shorter wrk runs
    python -m bench --only pages   # one section: pages, admin, writes, shares, conversion, extras
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import time

from bench import admin, pages, writes
from bench.harness import (  # noqa: F401 - bench.soak imports these from here
    CONNECTIONS,
    DATASETS,
    OUT,
    PG_ARTICLES,
    PG_URL,
    PYTHON,
    ROOT,
    SECONDS,
    SHARE_CONNECTIONS,
    build_datasets,
    django_run,
    ensure_wrk,
    fetch,
    gunicorn,
    log,
    production_env,
    sqlite_url,
    wrk,
)

CONVERSION_CODE = r"""
import time, csv, opencc
from pathlib import Path
from articles import services
from articles.text import chinese
from articles.text.chinese import engine
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
# An HTML body: paragraphs with links, titled images and a code block, the corpus sentences as text.
code = '<pre><code>信息 = 1</code></pre>'
html = ''.join(f'<p>{r["simplified"]}<a href="https://example.com/新闻/{i}" title="{r["simplified"][:10]}">链接</a>'
               f'<img src="/media/{i}.jpg" alt="{r["simplified"][:12]}"></p>' + (code if i % 5 == 0 else '')
               for i, r in enumerate(rows)) * 400
html_megabytes = len(html.encode()) / 1e6
def rate(convert, payload=text, size=megabytes):
    convert('暖身')
    best = None
    for _ in range(3):
        started = time.perf_counter(); convert(payload); took = time.perf_counter() - started
        best = took if best is None else min(best, took)
    return size / best
def glossary(n):
    GlossaryTerm.objects.all().delete()
    for i in range(n):
        term = GlossaryTerm(simplified=f'测试术语{i:03d}号', traditional=f'測試術語{i:03d}號')
        services.glossary_term_save(term=term)
plain = opencc.OpenCC('s2twp')
to_html = lambda body: chinese.convert_html(body, chinese.to_hant)
figures = {'megabytes': round(megabytes, 2), 'html_megabytes': round(html_megabytes, 2),
           'plain_s2twp_mb_s': round(rate(plain.convert), 2),
           'ours_no_glossary_mb_s': round(rate(chinese.to_hant), 2)}
glossary(300)
figures['ours_300_glossary_terms_mb_s'] = round(rate(chinese.to_hant), 2)
glossary(500)
with chinese.one_glossary():  # as an article save converts: the glossary read once for all its fields
    figures['ours_500_glossary_terms_mb_s'] = round(rate(chinese.to_hant), 2)
    figures['ours_html_500_glossary_terms_mb_s'] = round(rate(to_html, html, html_megabytes), 2)
GlossaryTerm.objects.all().delete()
figures['glossary_overhead'] = round(figures['ours_no_glossary_mb_s'] / figures['ours_300_glossary_terms_mb_s'], 2)
# The converter before issue 16 (its house list, OpenCC's longest match) and ours without the segmenter.
before = engine.Converter([chinese.parse_house_line(line) for line in
                           Path('bench/data/house-before-issue16.tsv').read_text(encoding='utf-8').splitlines()
                           if chinese.parse_house_line(line)], segmented=False)
longest = engine.Converter(chinese.house_terms(), segmented=False)
converters = {'plain': plain.convert, 'before': lambda t: before.hant_many([t])[0],
              'longest_match': lambda t: longest.hant_many([t])[0], 'ours': chinese.to_hant}
def pass_rate(convert):
    return round(sum(convert(r['simplified']) in acceptable(r) for r in rows) / len(rows), 3)
figures['corpus_pass_rate_plain'] = pass_rate(plain.convert)
figures['corpus_pass_rate_before'] = pass_rate(converters['before'])
figures['corpus_pass_rate_ours'] = pass_rate(chinese.to_hant)
from bench.conversion_eval import evaluate
figures['eval_plain_s2twp'] = evaluate(plain.convert)
figures['eval_before_issue16'] = evaluate(converters['before'])
figures['eval_ours_longest_match'] = evaluate(converters['longest_match'])
figures['eval_ours_no_glossary'] = evaluate(chinese.to_hant)
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


def conversion_eval_report(c: dict) -> list[str]:
    """The evaluation set's figures: pass rate and character error rate per half (tune on dev only)."""
    if "eval_ours_no_glossary" not in c:  # results.json from before the evaluation set
        return []
    lines = ["Evaluation set (tests/data/conversion-eval.tsv; tuned on dev only): pass rate, character error rate"]
    for label, key in (("plain s2twp", "eval_plain_s2twp"), ("before #16", "eval_before_issue16"),
                       ("longest-match", "eval_ours_longest_match"), ("ours", "eval_ours_no_glossary")):
        if key not in c:
            continue
        halves = "   ".join(f"{split} {f['pass_rate']:6.1%}  CER {f['cer']:5.2%} ({f['rows']} rows)"
                           for split, f in c[key].items())
        lines.append(f"  {label:13} {halves}")
    return lines


def report(results: dict) -> str:
    lines = []
    if "load_average_before" in results:  # other work on the machine skews every figure: say how busy it was
        lines.append(f"{results['cpus']} CPUs, load average before the run: "
                     f"{', '.join(f'{n:.1f}' for n in results['load_average_before'])}")
    if "pages" in results:
        lines += pages.report(results)
    if "admin" in results:
        lines += admin.report(results)
    if "writes" in results:
        lines += writes.report(results)
    if "conversion" in results:
        c = results["conversion"]
        lines.append("")
        lines.append(f"Conversion ({c['megabytes']} MB of news text, one core): "
                     f"plain s2twp {c['plain_s2twp_mb_s']} MB/s, ours {c['ours_no_glossary_mb_s']} MB/s, "
                     "with 300 glossary terms "
                     f"{c['ours_300_glossary_terms_mb_s']} MB/s (overhead {c['glossary_overhead']}x)")
        if "ours_500_glossary_terms_mb_s" in c:
            lines.append(f"  with 500 glossary terms: plain text {c['ours_500_glossary_terms_mb_s']} MB/s (target 5), "
                         f"HTML bodies ({c['html_megabytes']} MB) {c['ours_html_500_glossary_terms_mb_s']} MB/s "
                         "(target 1.5)")
        lines.append(f"Corpus pass rate: plain s2twp {c['corpus_pass_rate_plain']:.0%}, "
                     + (f"before #16 {c['corpus_pass_rate_before']:.0%}, " if "corpus_pass_rate_before" in c else "")
                     + f"ours {c['corpus_pass_rate_ours']:.0%}")
        lines += conversion_eval_report(c)
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


SECTIONS = {"pages": pages.bench_pages, "admin": admin.bench_admin, "writes": writes.bench_writes,
            "conversion": bench_conversion, "shares": bench_shares}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=[*SECTIONS, "extras"], action="append", help="run only these sections")
    options = parser.parse_args()
    ensure_wrk()
    build_datasets()
    results: dict = {}
    previous = OUT / "results.json"
    if options.only and previous.exists():  # one section again: keep the other sections' latest figures
        results = json.loads(previous.read_text())
    results.update({"seconds_per_run": SECONDS, "cpus": os.cpu_count(), "load_average_before": os.getloadavg()})
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
