"""gunicorn settings for Newsroom: `gunicorn newsroom.wsgi` picks this file up from the project folder.

Everything can be overridden from the environment (WEB_CONCURRENCY, GUNICORN_BIND, ...).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: each request is short (a cached page, or a few indexed queries).
workers = int(os.environ.get("WEB_CONCURRENCY", str(multiprocessing.cpu_count() * 2 + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Workers are not recycled by default: `make soak` shows their memory flat under load, and a recycled worker
# loses its local-memory page cache and pays a cold start (a p99 spike of 150-500 ms in `make bench`).
# Set GUNICORN_MAX_REQUESTS (with jitter) if a deployment ever shows memory growth.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))
max_requests_jitter = 1000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
