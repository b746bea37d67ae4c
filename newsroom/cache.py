"""The shared cache: Redis where ``REDIS_URL`` is set (``SharedRedisCache``), else files every local worker and command
reads and writes (``SharedFileCache``).

Both skip Django's memcached key-portability warnings: every key here is hashed into a file name or sent to Redis as
bytes, and the check costs more than the rest of a page-cache hit's key handling.

Without ``REDIS_URL`` Newsroom still runs several gunicorn workers, a task worker and cron commands on one host, and
everything that must agree between them (page-cache validity, rate limits) has to live where they all see it, never
in one process's memory. Django's ``FileBasedCache`` is that place, with two operations made atomic across processes:

* ``add`` creates the file with ``os.link``, which fails when the name exists, so two processes adding one key never
  both win (Django's ``add`` checks, then writes: a ``set`` landing between the two would be overwritten);
* ``incr`` holds an exclusive ``flock`` on the key's lock file while it reads and writes, so no count is lost.

``set`` writes a temporary file and renames it into place, so a reader sees the old value or the new one, never half.
Culling (which lists the whole folder) runs on one write in ``CULL_EVERY`` instead of on every write.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import random
import tempfile
import threading
import time
import zlib
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

CULL_EVERY = 200
LOCK_SHARDS = 64


class _ReusedClient(RedisCacheClient):
    """Django's client makes a new ``redis.Redis`` (and its table of ~80 response callbacks) for every operation,
    which costs more than the round trip itself; one per connection pool is enough (it is safe to share, and the
    pool notices a fork)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._local = threading.local()

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


    def get_many_ints(self, keys: list[str]) -> dict[str, int]:
        """The integers stored under ``keys`` (absent keys and non-integers left out), in one ``MGET`` on the primary.

        A read on every page-cache hit, so it skips redis-py's command layer (pool checkout, retries, response
        callbacks: about 0.1 ms of CPU, more than the round trip) and sends a packed ``MGET`` over a connection of
        this thread's own. The primary, never a replica: a lagging replica could hand out a value older than a write
        that has returned. Any error drops the connection (a reply half read must never be taken for the next one's)
        and is raised."""
        connection = self._own_connection()
        try:
            connection.send_packed_command(connection.pack_command("MGET", *keys), check_health=False)
            values = connection.read_response()
        except BaseException:
            connection.disconnect()
            raise
        found = {}
        for key, value in zip(keys, values, strict=True):
            if value is not None:
                try:
                    found[key] = int(value)  # RedisSerializer stores an int as its digits
                except ValueError:
                    pass  # a pickled value: not an integer
        return found

    def _own_connection(self):
        local = self._local
        if getattr(local, "pid", None) != os.getpid():  # new thread, or a forked worker: never share a socket
            pool = self._get_connection_pool(write=True)
            local.connection, local.pid = pool.connection_class(**pool.connection_kwargs), os.getpid()
        return local.connection


class SharedRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClient

    def validate_key(self, key) -> None:
        """Any key is fine for Redis (see the module docstring)."""

    def get_many_ints(self, keys) -> dict:
        """Integers stored with ``set``/``add`` (counters, stamps), read in one round trip (``_ReusedClient``)."""
        made = {self.make_key(key): key for key in keys}
        return {made[key]: value for key, value in self._cache.get_many_ints(list(made)).items()}


class SharedFileCache(FileBasedCache):
    def validate_key(self, key) -> None:
        """Any key is fine: it is hashed into a file name (see the module docstring)."""

    def get_many_ints(self, keys) -> dict:
        """Integers stored with ``set``/``add`` (counters, stamps); absent keys and other values left out."""
        return {key: value for key, value in self.get_many(keys).items() if type(value) is int}

    def _temp_file(self, timeout, value) -> str:
        self._createdir()
        fd, tmp_path = tempfile.mkstemp(dir=self._dir, suffix=".tmp")
        with open(fd, "wb") as f:
            self._write_content(f, timeout, value)
        return tmp_path

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        fname = self._key_to_file(key, version)
        tmp_path = self._temp_file(timeout, value)
        try:
            for _attempt in range(2):
                try:
                    os.link(tmp_path, fname)
                    return True
                except FileExistsError:
                    if self.has_key(key, version):  # has_key deletes an expired file: then try once more
                        return False
            return False
        finally:
            os.remove(tmp_path)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        if random.randrange(CULL_EVERY) == 0:  # noqa: S311 - spreading work, not security
            self._cull()
        self._replace(key, value, timeout, version)

    def _replace(self, key, value, timeout, version) -> None:
        fname = self._key_to_file(key, version)
        tmp_path = self._temp_file(timeout, value)
        try:
            os.replace(tmp_path, fname)
        except BaseException:
            os.remove(tmp_path)
            raise

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None) -> list:
        """Every key written; the folder culled at most once (a tag rename stamps thousands of pages at once)."""
        if data and random.randrange(CULL_EVERY) < len(data):  # noqa: S311 - as in set
            self._cull()
        for key, value in data.items():
            self._replace(key, value, timeout, version)
        return []

    @contextmanager
    def _locked(self, fname: str):
        folder = os.path.join(self._dir, "locks")
        os.makedirs(folder, mode=0o700, exist_ok=True)
        shard = int(hashlib.md5(fname.encode(), usedforsecurity=False).hexdigest(), 16) % LOCK_SHARDS
        with open(os.path.join(folder, f"{shard}.lock"), "a+b") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def incr(self, key, delta=1, version=None) -> int:
        fname = self._key_to_file(key, version)
        with self._locked(fname):
            try:
                with open(fname, "rb") as f:
                    expiry = pickle.load(f)  # noqa: S301 - our own cache folder (0700), as Django's backend
                    if expiry is not None and expiry < time.time():
                        raise ValueError(f"Key '{key}' not found")
                    value = pickle.loads(zlib.decompress(f.read()))  # noqa: S301 - as above
            except (FileNotFoundError, EOFError) as exc:
                raise ValueError(f"Key '{key}' not found") from exc
            value += delta
            remaining = None if expiry is None else max(expiry - time.time(), 0.001)
            self.set(key, value, timeout=remaining, version=version)
            return value
