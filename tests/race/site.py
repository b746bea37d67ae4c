"""One race run's site: a fresh database, an editor process and gunicorn with several workers, on loopback.

``Site`` is a context manager: everything it starts (processes, the PostgreSQL database, the Redis keys of its
prefix, a private redis-server, the temp folder) is stopped and removed on the way out, also when the test fails.
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
WORKERS = 3
START_TIMEOUT = 60
EDIT_TIMEOUT = 60
_runs = itertools.count(1)

# Settings of the test process that must not leak into a run's processes unless the run asks for them.
OWN_SETTINGS = {"DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "DJANGO_SETTINGS_MODULE", "DEBUG", "MEDIA_ROOT",
                "SQLITE_TEST_NAME", "PAGE_CACHE_SECONDS", "GUNICORN_BIND", "WEB_CONCURRENCY", "TASKS_BACKEND",
                "CACHE_DIR"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_and_redis_from_env() -> tuple[str, str] | None:
    """CI's second pass: the test process has DATABASE_URL (PostgreSQL) and REDIS_URL."""
    database, redis = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if database.startswith(("postgres://", "postgresql://")) and redis:
        return database, redis
    return None


class PrivateRedis:
    """A redis-server of the test's own on a free loopback port, no persistence; killed on exit."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise FileNotFoundError("redis-server")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        self.close()
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def cont(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.send_signal(signal.SIGCONT)
        self.process.kill()
        self.process.wait(timeout=10)


class Site:
    """``with Site(database_url=..., redis_url=...) as site:`` — ``None`` for either means the default."""

    def __init__(self, *, postgres_url: str | None = None, redis_url: str | None = None, name: str = "race") -> None:
        self.postgres_url, self.redis_url = postgres_url, redis_url
        self.run_id = f"{name}{os.getpid()}x{next(_runs)}"
        self.stack = contextlib.ExitStack()
        self.processes: list[subprocess.Popen] = []

    # --- setting up ----------------------------------------------------------------------------------
    def __enter__(self) -> Site:
        try:
            self._start()
        except BaseException:
            self.stack.close()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def _start(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="newsroom-race-"))
        self.stack.callback(shutil.rmtree, self.folder, True)
        self.env = self._env()
        self.stack.callback(self._stop_processes)
        self._run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"])
        self.editor = self.spawn([PYTHON, "-m", "tests.race.editor"], "editor")
        self._expect(self.editor, "ready")
        if importlib.util.find_spec("articles.management.commands.run_tasks") is not None:
            # Production runs the background tasks beside gunicorn; their stored pages must be right too.
            self.spawn([PYTHON, "manage.py", "run_tasks", "--forever"], "tasks")
        self.port = free_port()
        self.env_gunicorn = {**self.env, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": str(WORKERS),
                             "GUNICORN_ACCESSLOG": "", "GUNICORN_LOGLEVEL": "warning"}
        self.spawn([GUNICORN, "newsroom.wsgi", "-c", "gunicorn.conf.py"], "gunicorn", env=self.env_gunicorn)
        self._wait_healthy()

    def _env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in OWN_SETTINGS}
        env.update({
            "DJANGO_SETTINGS_MODULE": "tests.race.settings", "DEBUG": "0", "SECRET_KEY": "race-test-secret-" + "x" * 40,
            "ALLOWED_HOSTS": "127.0.0.1,localhost", "SECURE_SSL_REDIRECT": "0", "PLAIN_STATIC": "1",
            "SERVE_MEDIA": "1", "MEDIA_ROOT": str(self.folder / "media"), "LOG_LEVEL": "WARNING",
            "CACHE_DIR": str(self.folder / "cache"),  # the default configuration's shared cache, this site's own
            "PYTHONUNBUFFERED": "1",
        })
        # For bisecting a failure, e.g. RACE_EXTRA_ENV="PAGE_CACHE_SECONDS=0" (stored pages only, no page cache).
        env.update(item.split("=", 1) for item in os.environ.get("RACE_EXTRA_ENV", "").split() if "=" in item)
        if self.postgres_url:
            env["DATABASE_URL"] = self._create_postgres_database()
        else:
            env["DATABASE_URL"] = f"sqlite:///{self.folder / 'db.sqlite3'}"
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
            env["CACHE_KEY_PREFIX"] = self.run_id
            self.stack.callback(self._delete_redis_keys)
        return env

    def _create_postgres_database(self) -> str:
        import psycopg

        parts = urlsplit(self.postgres_url)
        admin = urlunsplit(parts._replace(path="/postgres"))
        name = f"newsroom_{self.run_id}"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(admin, autocommit=True) as connection:
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        self.stack.callback(drop)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def _delete_redis_keys(self) -> None:
        import redis

        with contextlib.suppress(redis.RedisError):
            client = redis.Redis.from_url(self.redis_url, socket_timeout=5)
            keys = list(client.scan_iter(match=f"{self.run_id}:*", count=1000))
            for start in range(0, len(keys), 500):
                client.delete(*keys[start:start + 500])

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")

    def spawn(self, command: list[str], name: str, env: dict | None = None) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("w")
        self.stack.callback(log.close)
        process = subprocess.Popen(command, cwd=ROOT, env=env or self.env, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1,
                                   start_new_session=True)
        process.name = name
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def _expect(self, process: subprocess.Popen, word: str) -> str:
        line = process.stdout.readline()
        if not line.startswith(word):
            raise RuntimeError(f"{process.name} said {line!r}, not {word!r}:\n{self.log(process.name)}")
        return line

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError, http.client.HTTPException):
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    connection.close()
                    return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz:\n{self.log('gunicorn')}")

    def _stop_processes(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(OSError):
                process.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in reversed(self.processes):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
            with contextlib.suppress(OSError):
                process.stdout.close()

    # --- editing -------------------------------------------------------------------------------------
    def send(self, command: dict) -> float:
        """Hand the editor a command without waiting; the time it was handed over."""
        sent = time.time()
        self.editor.stdin.write(json.dumps(command) + "\n")
        self.editor.stdin.flush()
        return sent

    def receive(self, k: int) -> tuple[float, dict]:
        """Wait for edit ``k`` to return: (the time it returned, its result)."""
        line = self.editor.stdout.readline()
        word, _, rest = line.strip().partition(" ")
        if word != "done":
            raise RuntimeError(f"edit {k}: the editor said {line!r}\n{self.log('editor')}")
        number, returned, result = rest.split(" ", 2)
        assert int(number) == k, line
        return float(returned), json.loads(result)

    def evictor(self) -> subprocess.Popen | None:
        """A process deleting this site's cache keys, or None when its cache cannot be reached from outside."""
        process = self.spawn([PYTHON, "-m", "tests.race.evictor"], "evictor")
        line = process.stdout.readline()
        if not line.startswith("ready"):
            self.unreachable = line.strip() or self.log("evictor")
            return None
        return process
