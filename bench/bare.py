"""The floor: a bare Django view returning BARE_BYTES bytes, served by the same gunicorn configuration.

    gunicorn -c gunicorn.conf.py bench.bare:application
"""

import os

import django
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="bench-only-bare-view",  # noqa: S106
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
    USE_TZ=True,
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

BODY = b"x" * int(os.environ.get("BARE_BYTES", "40000"))


def bare(request):
    return HttpResponse(BODY, content_type="text/html; charset=utf-8")


urlpatterns = [path("", bare)]
application = get_wsgi_application()
