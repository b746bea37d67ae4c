"""`make soak`: 200 concurrent share clients and readers for 30 seconds against gunicorn on loopback,
on SQLite and on PostgreSQL + Redis, while an editor publishes and edits articles.

Prints, per database: share clicks answered 200 vs counted (lost must be 0), 5xx answers (must be 0), and each
gunicorn worker's memory at the start and the end of the run (it must stay flat). Exits 1 if any check fails.

    python -m bench.soak            # SOAK_SECONDS=30, SOAK_CONNECTIONS=200
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench.__main__ import (
    PG_URL,
    ROOT,
    SHARE_TARGET_CODE,
    build_datasets,
    django_run,
    ensure_wrk,
    gunicorn,
    log,
    postgres_ready,
    production_env,
    sqlite_url,
)

SECONDS = int(os.environ.get("SOAK_SECONDS", "30"))
CONNECTIONS = int(os.environ.get("SOAK_CONNECTIONS", "200"))
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/2")

EDITOR_CODE = """
import time
from articles import services
from articles.models import Article
deadline = time.monotonic() + {seconds}
done = 0
articles = list(Article.objects.published().order_by('-listed_at')[5:25])
while time.monotonic() < deadline:
    for article in articles:
        article.title = article.title.split(' · ')[0] + f' · {{done}}'
        services.article_save(article=article)
        services.article_unpublish(article=article)
        services.article_publish(article=article)
        done += 1
        if time.monotonic() >= deadline:
            break
print(json.dumps({{'editor_writes': done * 3}}))
"""


def worker_rss(master_pid: int) -> dict[int, int]:
    """Resident memory (KiB) of each gunicorn worker under ``master_pid``."""
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True).stdout.split()
    rss = {}
    for pid in children:
        status = Path(f"/proc/{pid}/status")
        if status.exists():
            match = re.search(r"VmRSS:\s+(\d+)", status.read_text())
            if match:
                rss[int(pid)] = int(match.group(1))
    return rss


def wrk_run(url: str, script: str | None, results: dict, key: str) -> None:
    command = [ensure_wrk(), "-t2", f"-c{CONNECTIONS // 2}", f"-d{SECONDS}s", "--timeout", "20s"]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    results[key] = {"requests": requests, "non2xx": int(non2xx.group(1)) if non2xx else 0}


def soak(name: str, database: str, extra: dict[str, str]) -> bool:
    env = production_env(database, PAGE_CACHE_SECONDS="300", WEB_CONCURRENCY="4", **extra)
    before = django_run(database, SHARE_TARGET_CODE, **extra)
    with gunicorn("newsroom.wsgi:application", env) as base:
        # The master is the gunicorn process whose children are the workers.
        pids = subprocess.run(["pgrep", "-f", "gunicorn -c gunicorn.conf.py newsroom.wsgi"], capture_output=True,
                              text=True).stdout.split()
        masters = [int(pid) for pid in pids if worker_rss(int(pid))]
        master = masters[0] if masters else None
        start_rss = worker_rss(master) if master else {}
        results: dict = {}
        share_url = f"{base}/articles/{before['id']}/share/"
        threads = [
            threading.Thread(target=wrk_run, args=(share_url, str(ROOT / "bench" / "post.lua"), results, "shares")),
            threading.Thread(target=wrk_run, args=(f"{base}/", None, results, "readers_home")),
        ]
        for thread in threads:
            thread.start()
        editor = django_run(database, EDITOR_CODE.format(seconds=SECONDS), **extra)
        for thread in threads:
            thread.join()
        end_rss = worker_rss(master) if master else {}
    time.sleep(1)
    after = django_run(database, SHARE_TARGET_CODE, **extra)
    answered = results["shares"]["requests"] - results["shares"]["non2xx"]
    counted = after["total"] - before["total"]
    lost = max(0, answered - counted)
    errors = results["shares"]["non2xx"] + results["readers_home"]["non2xx"]
    growth = {pid: end_rss.get(pid, 0) - kib for pid, kib in start_rss.items() if pid in end_rss}
    flat = all(delta < 50 * 1024 for delta in growth.values())
    print(f"{name}: shares answered 200 {answered}, counted {counted}, lost {lost}; "
          f"reader requests {results['readers_home']['requests']}; non-2xx {errors}; editor writes "
          f"{editor['editor_writes']}; worker RSS KiB start {sorted(start_rss.values())} end "
          f"{sorted(end_rss.values())}")
    return lost == 0 and errors == 0 and flat


def main() -> None:
    ensure_wrk()
    build_datasets()
    runs = [("sqlite", sqlite_url("1k"), {})]
    if postgres_ready():
        runs.append(("postgresql+redis", PG_URL, {"REDIS_URL": REDIS_URL}))
    else:
        log("PostgreSQL not reachable: soak on SQLite only")
    ok = True
    for name, database, extra in runs:
        log(f"soak {name}: {CONNECTIONS} connections for {SECONDS}s while an editor publishes")
        ok = soak(name, database, extra) and ok
    print("soak:", "OK" if ok else "FAILED")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
