"""The shared cache backends (newsroom/cache.py): what the page cache reads on every hit.

Run with the configured backend: the shared file cache on the default settings, Redis where REDIS_URL is set (CI
runs both)."""

import os
import threading

import pytest
from django.core.cache import cache

REDIS_URL = os.environ.get("REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="the Redis backend: CI's PostgreSQL + Redis run")


@pytest.fixture(autouse=True)
def _clean_keys():
    keys = ["ints:a", "ints:b", "ints:missing", "ints:text", "ints:flag", "ints:dict"]
    cache.delete_many(keys)
    yield
    cache.delete_many(keys)


def test_get_many_ints_returns_the_integers_stored_and_leaves_out_everything_else():
    cache.set_many({"ints:a": 1_796_049_127_891_441_438, "ints:b": -3}, timeout=None)
    cache.set("ints:text", "123")
    cache.set("ints:flag", True)
    cache.set("ints:dict", {"started": 1})

    found = cache.get_many_ints(["ints:a", "ints:missing", "ints:b", "ints:text", "ints:flag", "ints:dict"])

    assert found == {"ints:a": 1_796_049_127_891_441_438, "ints:b": -3}
    assert cache.get_many(["ints:a", "ints:b"]) == found  # the same values the general read sees


def test_get_many_ints_sees_a_value_added_by_another_client_at_once():
    from django.core.cache import caches

    assert cache.get_many_ints(["ints:a"]) == {}
    other = caches.create_connection("default")  # another worker's client: its own pool and connections
    other.add("ints:a", 7, timeout=None)
    assert cache.get_many_ints(["ints:a"]) == {"ints:a": 7}
    other.set("ints:a", 8, timeout=None)
    assert cache.get_many_ints(["ints:a"]) == {"ints:a": 8}


@needs_redis
def test_a_dropped_redis_connection_raises_once_then_reads_again_without_mixing_replies():
    import redis

    cache.set("ints:a", 41, timeout=None)
    assert cache.get_many_ints(["ints:a"]) == {"ints:a": 41}
    # The server drops every other client, this process's own stamp connection among them.
    redis.Redis.from_url(REDIS_URL).client_kill_filter(_type="normal", skipme=True)

    with pytest.raises(redis.ConnectionError):
        cache.get_many_ints(["ints:a"])  # the page cache then serves live for a moment (test_faults.py)
    cache.set("ints:a", 42, timeout=None)
    assert cache.get_many_ints(["ints:a", "ints:missing"]) == {"ints:a": 42}


@needs_redis
def test_each_thread_reads_over_its_own_redis_connection():
    cache.set("ints:a", 5, timeout=None)
    backend_client = cache._cache  # one client shared by the threads (Django would give each thread its own)
    seen, errors = [], []

    def read():
        try:
            for _ in range(200):
                assert cache.get_many_ints(["ints:a"]) == {"ints:a": 5}
            seen.append(backend_client._own_connection())  # kept alive, so no two can share an id
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({id(connection) for connection in seen}) == 4
