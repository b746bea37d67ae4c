"""Deletes the site's cache keys behind its back, as a cache under memory pressure (or an operator) would.

Runs with the site's settings and reaches the cache through its backend, so it works for any shared cache it
knows how to list: Redis (the key prefix's keys), the file-based cache (its folder) and the database cache (its
table). A per-process cache (LocMemCache) cannot be reached from outside; ``python -m tests.race.evictor --probe``
prints ``shared`` or ``unreachable <backend>`` so the test can say so.

Protocol on stdin, one word a line; every answer is one line on stdout:
    start  -> started     delete one random key every few milliseconds, in random order, until stopped
    stop   -> stopped <n> (keys deleted so far)
    flush  -> flushed <n> <time.time()>   delete every key of the site's prefix at once
"""

from __future__ import annotations

import os
import random
import sys
import threading
import time
from pathlib import Path

PAUSE = 0.02  # between deletions: fast enough to hit every key in a run, slow enough to leave cached pages
RELIST_EVERY = 25  # deletions between two listings of the keys (new pages get stored all the time)


class Keys:
    """List and delete the raw keys of the default cache."""

    def __init__(self) -> None:
        from django.core.cache import caches
        from django.core.cache.backends.db import DatabaseCache
        from django.core.cache.backends.filebased import FileBasedCache
        from django.core.cache.backends.redis import RedisCache

        self.cache = cache = caches["default"]
        self.kind = None
        if isinstance(cache, RedisCache):
            self.kind = "redis"
            self.client = cache._cache.get_client(write=True)
            self.pattern = cache.make_key("*").replace(f":{cache.version}:*", ":*")
        elif isinstance(cache, FileBasedCache):
            self.kind = "file"
            self.folder = Path(cache._dir)
        elif isinstance(cache, DatabaseCache):
            self.kind = "db"
            self.table = cache._table

    @property
    def backend(self) -> str:
        return f"{type(self.cache).__module__}.{type(self.cache).__qualname__}"

    def list(self) -> list:
        if self.kind == "redis":
            return list(self.client.scan_iter(match=self.pattern, count=500))
        if self.kind == "file":
            return [path for path in self.folder.glob("*.djcache")]
        if self.kind == "db":
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"SELECT cache_key FROM {connection.ops.quote_name(self.table)}")  # noqa: S608
                return [row[0] for row in cursor.fetchall()]
        raise RuntimeError(f"cannot list the keys of {self.backend}")

    def delete(self, keys: list) -> None:
        if not keys:
            return
        if self.kind == "redis":
            self.client.delete(*keys)
        elif self.kind == "file":
            for path in keys:
                path.unlink(missing_ok=True)
        elif self.kind == "db":
            from django.db import connection

            with connection.cursor() as cursor:
                marks = ", ".join(["%s"] * len(keys))
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(self.table)} "  # noqa: S608
                               f"WHERE cache_key IN ({marks})", keys)


def _delete_randomly(keys: Keys, running: threading.Event, counter: list[int]) -> None:
    rng = random.Random()  # noqa: S311
    while running.is_set():
        listed = keys.list()
        rng.shuffle(listed)
        for key in listed[:RELIST_EVERY]:
            if not running.is_set():
                return
            keys.delete([key])
            counter[0] += 1
            time.sleep(PAUSE)
        if not listed:
            time.sleep(0.02)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.race.settings")
    import django

    django.setup()
    keys = Keys()
    if "--probe" in sys.argv:
        print("shared" if keys.kind else f"unreachable {keys.backend}", flush=True)
        return
    if keys.kind is None:
        print(f"unreachable {keys.backend}", flush=True)
        return
    print("ready", flush=True)
    running = threading.Event()
    counter = [0]
    worker = None
    for line in sys.stdin:
        word = line.strip()
        if word == "start" and worker is None:
            running.set()
            worker = threading.Thread(target=_delete_randomly, args=(keys, running, counter), daemon=True)
            worker.start()
            print("started", flush=True)
        elif word == "stop":
            running.clear()
            if worker is not None:
                worker.join()
                worker = None
            print(f"stopped {counter[0]}", flush=True)
        elif word == "flush":
            listed = keys.list()
            keys.delete(listed)
            print(f"flushed {len(listed)} {time.time():.6f}", flush=True)
    running.clear()


if __name__ == "__main__":
    main()
