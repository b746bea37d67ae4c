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
# Which peers may say the request came over https (X-Forwarded-Proto). Only behind a TLS proxy that sets the header
# (BEHIND_TLS_PROXY, which also sets Django's SECURE_PROXY_SSL_HEADER): otherwise anyone reaching gunicorn from
# loopback (another local user, an SSRF) could make a plain-http request look secure. And only X-Forwarded-Proto,
# the header the proxy overwrites: gunicorn's default list also believes X-Forwarded-Ssl and X-Forwarded-Protocol,
# which a proxy that sets only X-Forwarded-Proto passes through from the client untouched.
BEHIND_TLS_PROXY = os.environ.get("BEHIND_TLS_PROXY", "").strip().lower() in {"1", "true", "yes", "on"}
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1") if BEHIND_TLS_PROXY else ""
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if BEHIND_TLS_PROXY else {}
