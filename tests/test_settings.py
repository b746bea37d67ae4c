"""The settings file: production refuses to start half-configured; SQLite waits instead of failing."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
# What a production shell would not have: the test run's own settings and switches.
# Not inherited from the shell that runs the tests (a developer's `make run` settings switch HTTPS off).
NOT_IN_PRODUCTION = {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", "SECURE_COOKIES",
                     "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "PLAIN_STATIC"}


def run_django(env_overrides: dict, code: str = "import django; django.setup(); print('started')"):
    env = {k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION}
    env.update({"DJANGO_SETTINGS_MODULE": "newsroom.settings", **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60)


def test_production_refuses_to_start_without_secret_key():
    result = run_django({"ALLOWED_HOSTS": "news.example.com"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_production_refuses_to_start_without_allowed_hosts():
    result = run_django({"SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_production_starts_when_configured_and_debug_gives_a_dev_key():
    assert run_django({"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "news.example.com"}).stdout.strip() == "started"
    assert run_django({"DEBUG": "1"}).stdout.strip() == "started"


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**{k: v for k, v in os.environ.items() if k not in NOT_IN_PRODUCTION},
             "SECRET_KEY": "k8#Vq2!mZr7@pLx4$Wn9^Tb6&Hc3*Jd1(Fs5)Gy0-Ue8+Ia2=Ro7_Ek4",
             "ALLOWED_HOSTS": "news.example.com", "SECURE_SSL_REDIRECT": "1", "PLAIN_STATIC": "0"},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_immediate_transactions():
    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only settings")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
    assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_postgresql_keeps_health_checked_persistent_connections():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL-only settings")
    assert connection.settings_dict["CONN_MAX_AGE"] > 0
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert "psycopg" in type(connection.connection).__module__
