"""WSGI entry point for gunicorn: ``gunicorn newsroom.wsgi``.

Page-cache hits are answered in front of Django (``articles.caching.pagecache.PageCacheApplication``).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

from articles.caching.pagecache import PageCacheApplication  # noqa: E402 - needs the apps loaded

application = PageCacheApplication(application)
