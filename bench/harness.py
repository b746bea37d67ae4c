"""The machinery every `make bench` section shares: production settings, gunicorn, Django subprocesses, wrk.

Every process this starts is stopped again, also on Ctrl-C.
"""
from __future__ import annotations

import contextlib
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


def wrk(url: str, *, connections: int = CONNECTIONS, seconds: int = SECONDS, script: str | None = None,
        script_args: tuple[str, ...] = ()) -> dict:
    command = [ensure_wrk(), "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "10s"]
    if script:
        command += ["-s", script]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
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


# --- datasets ------------------------------------------------------------------------------


def sqlite_url(name: str) -> str:
    return f"sqlite:///{OUT / f'bench-{name}.sqlite3'}"


def build_datasets() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    # Static files first: a stored page names the hashed static files, so rendering needs their manifest.
    subprocess.run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT,
                   env=production_env(sqlite_url("1k")), check=True)
    for name, count in DATASETS.items():
        log(f"dataset {name}: {count:,} published articles")
        subprocess.run([PYTHON, "-m", "bench.dataset", "--articles", str(count), "--tags", "5000"], cwd=ROOT,
                       env=production_env(sqlite_url(name)), check=True)

