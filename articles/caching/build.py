"""The build: a digest of everything besides the data that shapes a stored page (templates, template tags, the
Python that fetches and shapes a page, settings, translations, static files). A stored page of another build is
never served (``articles.pages``)."""

from __future__ import annotations

import functools
import hashlib
from importlib.metadata import version as _version
from pathlib import Path

import django
from django.conf import settings


@functools.cache
def build() -> str:
    """A digest of everything besides the data that shapes a stored page."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    # Templates and the Python that shapes what they show (models' localised fields and URLs, the selectors that
    # fetch the page, URL patterns, context processors), and the translations.
    shaping = ["models", "selectors", "urls.py", "context_processors.py", "views.py", "caching", "pages.py"]
    python = [path for name in shaping for path in ((root / "articles" / name).rglob("*.py")
                                                      if (root / "articles" / name).is_dir()
                                                      else [(root / "articles" / name).with_suffix(".py")])]
    files = [*sorted((root / "templates").rglob("*.html")), *sorted((root / "articles" / "templatetags").glob("*.py")),
             *sorted(python), root / "newsroom" / "urls.py", *sorted((root / "locale").rglob("*.mo"))]
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    files += [manifest] if not settings.PLAIN_STATIC and manifest.is_file() else sorted((root / "static").rglob("*.*"))
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    for name in ("SITE_NAME", "SHARE_MIN_DISPLAY", "RELATED_ARTICLES_SHOWN", "STATIC_URL", "MEDIA_URL",
                 "PAGE_CACHE_VERSION", "LANGUAGES", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ"):
        digest.update(repr(getattr(settings, name, None)).encode())
    digest.update(f"django {django.get_version()} taggit {_version('django-taggit')}".encode())
    return digest.hexdigest()[:32]


# --- rendering and storing --------------------------------------------------------------------
