"""The freshness promise, end to end: a reader never sees a page older than the last edit that had returned.

Each test starts a real site (a fresh database, gunicorn with several workers, an editor in its own process writing
through the services) and hundreds of concurrent readers polling every page type in both scripts; after each edit
returns, every response to a request sent later must show it (tests/race/world.py says what each page must show).
Variants: the default settings; PostgreSQL + Redis (when the test process has DATABASE_URL and REDIS_URL, as CI's
second pass does); keys evicted or flushed under the site; Redis stopped (SIGSTOP) during an unpublish.

Knobs for a longer local run: RACE_READERS (200), RACE_WINDOW (seconds of polling after each edit, 2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import pytest

from tests.race import scenario
from tests.race.readers import Edit, Readers, errors, judge, summary
from tests.race.site import PYTHON, ROOT, WORKERS, PrivateRedis, Site, postgres_and_redis_from_env
from tests.race.world import Page

pytestmark = pytest.mark.race

READERS = int(os.environ.get("RACE_READERS", "200"))
WINDOW = float(os.environ.get("RACE_WINDOW", "2"))
WARM = 2.5  # seconds of polling before the first edit, so the cache holds every page
# Enough responses that every page type is judged after every edit, and a real share of hits (the cache is exercised),
# with room for a loaded machine: the promise under test is 0 stale, not a speed (that is `make bench`'s).
MIN_RESPONSES = 800
MIN_RESPONSES_EVICTING = 300
MIN_HIT_SHARE = 0.10
# Deleting keys every 20 ms (stamps included: a page is stored again only once its stamps exist) leaves fewer hits.
MIN_HIT_SHARE_EVICTING = 0.02
STALL_ANSWER_SECONDS = 5  # "pages answer within a few seconds" while Redis is stopped


def run_edits(site: Site, readers: Readers, world, steps, *, during=None) -> list[Edit]:
    """Hand the editor each edit, wait for it to return, then let the readers poll for WINDOW seconds.

    ``during(k)`` runs right after edit k was handed over, while it is being applied."""
    edits = []
    for k, step in enumerate(steps, start=1):
        what, command, apply = step(world)
        handed = site.send({**command, "k": k})
        if during is not None:
            during(k)
        returned, result = site.receive(k)
        apply(world, result)
        edits.append(Edit(k, what, world.snapshot(), handed, returned))
        readers.show(world)
        time.sleep(WINDOW)
    return edits


def assert_fresh(readers: Readers, edits: list[Edit], *, min_responses: int = MIN_RESPONSES,
                 min_hit_share: float = MIN_HIT_SHARE) -> None:
    responses = list(readers.responses)
    stale = judge(readers, edits)
    report = summary(readers, stale)
    print(report)
    failed = errors(readers)
    assert not failed, f"{len(failed)} 5xx or unanswered, e.g. {failed[:3]}\n{report}"
    assert not stale, f"stale pages after an edit had returned:\n{report}"
    assert len(responses) >= min_responses, report
    hits = sum(r.cache == "hit" for r in responses)
    assert hits >= min_hit_share * len(responses), f"the page cache was hardly exercised:\n{report}"


def race(site: Site, steps, *, during=None, before_edits=None, min_responses: int = MIN_RESPONSES,
         min_hit_share: float = MIN_HIT_SHARE) -> None:
    world, _, returned = scenario.setup(site)
    with Readers(site.port, READERS, world) as readers:
        time.sleep(WARM)
        if before_edits is not None:
            before_edits()
        edits = [Edit(0, "setup", world.snapshot(), handed=returned, returned=returned)]
        edits += run_edits(site, readers, world, steps, during=during)
    assert_fresh(readers, edits, min_responses=min_responses, min_hit_share=min_hit_share)


# --- the race: default settings, and PostgreSQL + Redis ------------------------------------------------


def test_no_stale_page_after_an_edit_returns_default_settings():
    with Site() as site:
        race(site, scenario.all_edits())


def test_no_stale_page_after_an_edit_returns_postgres_redis():
    configured = postgres_and_redis_from_env()
    if configured is None:
        pytest.skip("needs DATABASE_URL (PostgreSQL) and REDIS_URL in the test process (CI's second pass)")
    postgres_url, redis_url = configured
    with Site(postgres_url=postgres_url, redis_url=redis_url) as site:
        race(site, scenario.all_edits())


# --- eviction ------------------------------------------------------------------------------------------


def default_cache_reachable() -> str | None:
    """None when the default configuration's cache can be reached from another process, else why not."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "DJANGO_SETTINGS_MODULE"}}
    folder = tempfile.mkdtemp(prefix="newsroom-race-probe-")
    try:
        env.update({"DJANGO_SETTINGS_MODULE": "tests.race.settings", "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
                    "MEDIA_ROOT": folder, "DEBUG": "0", "SECRET_KEY": "race-probe-" + "x" * 40,
                    "ALLOWED_HOSTS": "127.0.0.1"})
        line = subprocess.run([PYTHON, "-m", "tests.race.evictor", "--probe"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=60).stdout.strip()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return None if line == "shared" else line


def evicting_race(site: Site) -> None:
    evictor = site.evictor()
    assert evictor is not None, site.unreachable

    def say(word: str) -> str:
        evictor.stdin.write(word + "\n")
        evictor.stdin.flush()
        return evictor.stdout.readline().strip()

    def flush_midway(k: int) -> None:
        if k == 4:  # while the retag is being applied: every key of the site's prefix at once
            assert say("flush").startswith("flushed"), site.log("evictor")

    # Every deleted page is rendered again, so the site answers fewer requests than in the plain race.
    race(site, scenario.all_edits(), before_edits=lambda: say("start"), during=flush_midway,
         min_responses=MIN_RESPONSES_EVICTING, min_hit_share=MIN_HIT_SHARE_EVICTING)
    deleted = say("stop")
    assert int(deleted.split()[1]) > 50, f"the evictor hardly deleted anything: {deleted}"


def test_no_stale_page_while_the_cache_evicts_keys_redis(tmp_path):
    configured = postgres_and_redis_from_env()
    if configured is not None:
        with Site(postgres_url=configured[0], redis_url=configured[1]) as site:
            evicting_race(site)
        return
    if shutil.which("redis-server") is None:
        pytest.skip("no REDIS_URL and no redis-server binary for a private one")
    redis = PrivateRedis(tmp_path)
    try:
        with Site(redis_url=redis.url) as site:
            evicting_race(site)
    finally:
        redis.close()


def test_no_stale_page_while_the_cache_evicts_keys_default_settings():
    why = default_cache_reachable()
    if why is not None:
        pytest.skip(f"the default configuration's cache cannot be reached from another process ({why}); "
                    "eviction is tested through Redis")
    with Site() as site:
        evicting_race(site)


# --- Redis stalled during an unpublish -----------------------------------------------------------------


def test_redis_stalled_during_an_unpublish_pages_answer_live_and_are_fresh_after(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("no redis-server binary for a private Redis")
    redis = PrivateRedis(tmp_path)
    try:
        with Site(redis_url=redis.url) as site:
            world, _, ready = scenario.setup(site)
            edits = [Edit(0, "setup", world.snapshot(), handed=ready, returned=ready)]
            # As many readers as workers while Redis is stopped: each request then waits only for its own
            # cache timeouts, not behind a queue of others, so its time is the page's.
            with Readers(site.port, WORKERS, world) as during_stall:
                with Readers(site.port, READERS, world):
                    time.sleep(WARM)  # warm: the cache holds every page
                stopped = time.time()
                redis.stop()
                time.sleep(2)
                what, command, apply = scenario.unpublish("A2")(world)
                handed = site.send({**command, "k": 1})
                time.sleep(4)
                resumed = time.time()
                redis.cont()
                returned, result = site.receive(1)
                apply(world, result)
                edits.append(Edit(1, what + " while Redis is stopped", world.snapshot(), handed, returned))
                during_stall.show(world)
                with Readers(site.port, READERS, world) as after:
                    time.sleep(WINDOW * 2)
    finally:
        redis.close()

    stale = judge(during_stall, edits) + judge(after, edits)
    report = (f"Redis stopped for {resumed - stopped:.1f}s; the unpublish was handed over {handed - stopped:.1f}s "
              f"after the stop and returned {returned - resumed:+.1f}s after SIGCONT\n"
              + summary(during_stall, []) + "\n" + summary(after, stale))
    print(report)
    failed = errors(during_stall) + errors(after)
    assert not failed, f"{len(failed)} 5xx or unanswered, e.g. {failed[:3]}\n{report}"
    assert not stale, f"stale pages after the unpublish returned (Redis stopped, then resumed):\n{report}"

    while_stopped = [r for r in during_stall.responses if stopped <= r.sent < resumed]
    assert len(while_stopped) >= 5, f"only {len(while_stopped)} requests were answered while Redis was stopped"
    slow, wrong = [], []
    for response in while_stopped:
        waited = min(response.received, resumed) - response.sent
        if waited > STALL_ANSWER_SECONDS:
            slow.append(f"{response.path}: {waited:.1f}s")
        # Only the article being unpublished may answer 404 (once the unpublish is under way); the judge above
        # checked it answers nothing else once the unpublish returned.
        being_unpublished = response.page == unpublished_page(response.page.language) and response.received >= handed
        if response.status != 200 and not (being_unpublished and response.status == 404):
            wrong.append(f"{response.path}: {response.status}")
    assert not slow, f"pages took longer than {STALL_ANSWER_SECONDS}s while Redis was stopped: {slow[:10]}"
    assert not wrong, f"pages did not answer 200 while Redis was stopped: {wrong[:10]}"


def unpublished_page(language: str) -> Page:
    return Page("article", language, "A2")
