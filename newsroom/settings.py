"""Newsroom settings: one file, driven by environment variables.

Development: ``DEBUG=1`` gives a throwaway secret key and local hosts.
Production (``DEBUG`` unset): ``SECRET_KEY`` and ``ALLOWED_HOSTS`` are required, and
start-up stops with a clear message when either is missing. ``make run`` is production on this
machine: it passes both in the environment (a key generated once into ``var/secret_key``), as a
deploy does, rather than relying on any fallback here.
"""

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Production refuses to start without it: "
            "export SECRET_KEY to a long random string (or set DEBUG=1 for local development)."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. Production refuses to start without it: "
            "export ALLOWED_HOSTS=news.example.com[,other.host] (or set DEBUG=1 for local development)."
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The name the attribution footer uses: 資訊來源: 由{SITE_NAME}編譯自{source}
SITE_NAME = os.environ.get("SITE_NAME", "新聞室")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "taggit",
    "django_prose_editor",  # the article body editor's static files (articles.forms.BodyEditorWidget)
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    # First on purpose: a cached page for an anonymous reader costs no more than this. It stores the
    # headers the middleware below added (security headers included) and replays them on a hit.
    "articles.caching.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Inside the page cache, so CSP and Permissions-Policy are stored with a page and replayed on hits.
    "newsroom.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Only process_exception: a view that waited out SQLite's busy timeout answers 503 + Retry-After.
    "newsroom.security.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "newsroom.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "newsroom.wsgi.application"

# --- Database -------------------------------------------------------------------------
# SQLite by default (a git-ignored file in the project folder); PostgreSQL at scale.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on the busy timeout instead of failing with "database is locked" when
    # one of them upgrades a read lock mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    # Django's SQLite backend, creating the database file (and so its -wal/-shm) private: mode 0600.
    DATABASES["default"]["ENGINE"] = "newsroom.sqlite3"
    # Tests run on a real file too (not Django's shared in-memory database), so WAL and the
    # busy timeout behave in tests as they do in production.
    # One file per test process, so parallel runs never share (or delete) each other's database.
    test_db = Path(tempfile.gettempdir()) / f"newsroom-test-{os.getpid()}.sqlite3"
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SQLITE_TEST_NAME", str(test_db))}
# Persistent, health-checked connections: opening one per request (and, on SQLite, re-running the
# PRAGMAs above) would cost more than most page queries.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
else:
    # No Redis: one host, several workers, a task worker and cron commands. What they must agree on (page-cache
    # validity, rate limits) lives in files they all share, never in one worker's memory (see newsroom/cache.py).
    CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.SharedFileCache",
            "LOCATION": os.environ.get("CACHE_DIR", str(BASE_DIR / "var" / "cache")),
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CACHE_MAX_ENTRIES", "50000"))},
        }
    }

# Fail fast when Redis is unreachable: without socket timeouts a blackholed cache host would hang every
# request; with them the page cache turns into misses and rate limits fail open (see newsroom.ratelimit).
REDIS_SOCKET_TIMEOUT = float(os.environ.get("REDIS_SOCKET_TIMEOUT", "1"))
if REDIS_URL:
    CACHES["default"]["OPTIONS"] = {"socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                                    "socket_timeout": REDIS_SOCKET_TIMEOUT}

# --- Background tasks -----------------------------------------------------------------
# Work done after a write (renders, related refreshes, renditions, re-conversions, fan-outs) runs as
# django-tasks tasks through articles.jobs, executed by `manage.py run_tasks --forever` beside gunicorn.
# TASKS_BACKEND: "database" (default: the queue is a table in DATABASE_URL, PostgreSQL or SQLite alike),
# "immediate" (run in the process that enqueues, right after commit: the test run), or a backend's dotted path.
# REDIS_URL does not move the queue to Redis: see "Background tasks" in the README for why.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database").strip() or "database"
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "dummy": "django_tasks.backends.dummy.DummyBackend",
}
if "." not in TASKS_BACKEND and TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND={TASKS_BACKEND!r} is not one of {', '.join(_TASK_BACKENDS)} nor a dotted backend path."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
# A failed job is tried again after each of these delays (seconds), then left failed for an editor to see.
TASK_RETRY_DELAYS = [int(n) for n in env_list("TASK_RETRY_DELAYS", "10,60,300")]
# A job still "running" this long after it started is taken to belong to a worker that died: it is tried again.
TASK_STALE_AFTER = int(os.environ.get("TASK_STALE_AFTER", "1800"))

# The article form autosaves a draft of what an editor typed this often (seconds; static/js/admin-autosave.js).
AUTOSAVE_INTERVAL_SECONDS = int(os.environ.get("AUTOSAVE_INTERVAL_SECONDS", "30"))

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------
LANGUAGE_CODE = "zh-hant"
LANGUAGES = [
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Serve MEDIA_ROOT from the app itself (small sites, `make run`); large sites put media on
# object storage or behind the web server and turn this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
# Production serves hashed, compressed files collected by `collectstatic`; development and the
# test run (PLAIN_STATIC=1) serve straight from static/ without that step.
PLAIN_STATIC = DEBUG or env_bool("PLAIN_STATIC")
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = PLAIN_STATIC
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if PLAIN_STATIC
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# What browsers ask for at the site's root (/favicon.ico, /manifest.webmanifest, the app icons): WhiteNoise serves it.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
WHITENOISE_MIMETYPES = {".webmanifest": "application/manifest+json"}
FILE_UPLOAD_PERMISSIONS = 0o644
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Security -------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY") else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
# Media may live on another origin (object storage / CDN): its images must still load.
_MEDIA_ORIGIN = "/".join(MEDIA_URL.split("/")[:3]) if MEDIA_URL.startswith(("https://", "http://")) else ""
# Images: article bodies (imports especially) may embed pictures from the outlets' own https servers, and an
# image cannot run script, so any https image is allowed; CSP_IMG_SRC="'self' data:" makes it strict.
CSP_IMG_SRC = os.environ.get("CSP_IMG_SRC", "'self' data: https:")
# No inline script anywhere (JSON-LD is data, which CSP does not execute). Inline *styles* are allowed because
# the Django admin and our admin displays use style attributes; script is what CSP must stop.
CONTENT_SECURITY_POLICY = [
    "default-src 'self'",
    f"img-src {CSP_IMG_SRC} {_MEDIA_ORIGIN}".strip(),
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    # The one player an article body may load, and only after the reader clicks it (static/js/embeds.js).
    "frame-src https://www.youtube-nocookie.com",
]
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"
)
# Admin login: failures allowed per address + username within the window (seconds), then 429;
# and failures per address whatever the username (someone trying many accounts).
ADMIN_LOGIN_RATE_LIMIT = (
    int(os.environ.get("ADMIN_LOGIN_RATE_LIMIT", "10")),
    int(os.environ.get("ADMIN_LOGIN_RATE_WINDOW", "900")),
)
ADMIN_LOGIN_IP_RATE_LIMIT = int(os.environ.get("ADMIN_LOGIN_IP_RATE_LIMIT", "50"))
# ... and failures per account whatever the address (one account tried from many places). Above the per-address
# limit, so one address alone never locks an editor out; reaching it locks that account's logins for the window,
# the price of stopping a guess spread over many addresses.
ADMIN_LOGIN_ACCOUNT_RATE_LIMIT = int(os.environ.get("ADMIN_LOGIN_ACCOUNT_RATE_LIMIT", "30"))
# Where a login lands when its ?next= is missing or unsafe (Django's default, /accounts/profile/, does not exist).
LOGIN_REDIRECT_URL = "admin:index"
# Where `backup_site` (make backup) writes <timestamp>/ folders.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))
# Seconds a client is told to wait (Retry-After) when the database was too busy to take a write.
DATABASE_BUSY_RETRY_AFTER = int(os.environ.get("DATABASE_BUSY_RETRY_AFTER", "5"))

# --- Newsroom -------------------------------------------------------------------------
ARTICLES_PER_PAGE = int(os.environ.get("ARTICLES_PER_PAGE", "12"))
ARTICLES_MAX_PAGES = int(os.environ.get("ARTICLES_MAX_PAGES", "100"))
# Feeds: how many items, and whether items carry the full body (else the summary).
FEED_ITEMS = int(os.environ.get("FEED_ITEMS", "30"))
FEED_FULL_TEXT = env_bool("FEED_FULL_TEXT", default=True)
# Public pages may be cached by browsers and CDNs for this many seconds.
PAGE_MAX_AGE = int(os.environ.get("PAGE_MAX_AGE", "60"))
# Whole pages for anonymous readers stay in the shared cache this long (0 turns the page cache off);
# publishing, editing and unpublishing drop the affected pages at once, so this only bounds share totals' lag.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Clock skew allowed between hosts for page-cache stamps (see articles.caching.pagecache): set it to what NTP
# guarantees between your app hosts; one host has none.
PAGE_CACHE_CLOCK_SKEW = float(os.environ.get("PAGE_CACHE_CLOCK_SKEW", "0.005"))
# How long an edit keeps trying to stamp what it changed while the cache (Redis) does not answer.
PAGE_CACHE_INVALIDATION_DEADLINE = float(os.environ.get("PAGE_CACHE_INVALIDATION_DEADLINE", "10"))
# Change on deploys that alter templates (e.g. the release's git hash) to start from an empty page cache.
PAGE_CACHE_VERSION = os.environ.get("PAGE_CACHE_VERSION", "1")
# Each worker keeps copies of the pages it served, up to this many bytes (most recently used first): a hit on a copy
# reads only the page's stamp from the shared cache, which still decides whether it may be served (see pagecache).
PAGE_CACHE_LOCAL_BYTES = int(os.environ.get("PAGE_CACHE_LOCAL_MB", "32")) * 1024 * 1024
TAGGIT_CASE_INSENSITIVE = True
# Share totals below this are not shown to readers (no "0 Shares"); the exact number stays in data-share-total.
SHARE_MIN_DISPLAY = int(os.environ.get("SHARE_MIN_DISPLAY", "10"))
# Share clicks allowed per client and article: (count, window in seconds).
SHARE_RATE_LIMIT = (int(os.environ.get("SHARE_RATE_LIMIT", "20")), int(os.environ.get("SHARE_RATE_WINDOW", "600")))
# Images: uploads, imports and source logos above these limits are refused before a pixel is decoded (pixels count
# every frame's canvas of an animation: a decoder needs about 4 bytes for each).
IMAGE_MAX_BYTES = int(os.environ.get("IMAGE_MAX_BYTES", str(20 * 1024 * 1024)))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", str(60_000_000)))
IMAGE_MAX_FRAMES = int(os.environ.get("IMAGE_MAX_FRAMES", "1000"))
# Related articles shown on an article page.
RELATED_ARTICLES_SHOWN = int(os.environ.get("RELATED_ARTICLES_SHOWN", "5"))
# Computed related articles scoring below this are left out: better fewer than irrelevant.
# About 0.3 = one tag on a few percent of the articles, or a third of the title and summary in common.
RELATED_MIN_SCORE = float(os.environ.get("RELATED_MIN_SCORE", "0.3"))
# Imports: fetching a feed with --url (private and loopback addresses only when allowed).
IMPORT_FETCH_TIMEOUT = float(os.environ.get("IMPORT_FETCH_TIMEOUT", "10"))
IMPORT_FETCH_MAX_BYTES = int(os.environ.get("IMPORT_FETCH_MAX_BYTES", str(20 * 1024 * 1024)))
IMPORT_ALLOW_PRIVATE_URLS = env_bool("IMPORT_ALLOW_PRIVATE_URLS")
# Imports: a record whose body is larger than this fails; a file larger than this is refused whole.
IMPORT_MAX_BODY_BYTES = int(os.environ.get("IMPORT_MAX_BODY_BYTES", str(1024 * 1024)))
IMPORT_MAX_FILE_BYTES = int(os.environ.get("IMPORT_MAX_FILE_BYTES", str(100 * 1024 * 1024)))
# Proxies whose X-Forwarded-For we believe (addresses or networks), e.g. the load balancer's.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-tasks logs every start and finish at INFO; run_tasks prints one line per job instead (failures stay).
    "loggers": {"django.db.backends": {"level": "INFO"}, "django_tasks": {"level": "WARNING"}},
}
