"""The project's settings, plus one outermost middleware naming the worker that answered (``X-Race-Worker``).

Used by every process of a race run (editor and gunicorn alike); it changes nothing else, so the pages, caches
and stored pages are exactly what ``newsroom.settings`` makes them.
"""

from newsroom.settings import *  # noqa: F403
from newsroom.settings import MIDDLEWARE

MIDDLEWARE = ["tests.race.settings.WorkerHeaderMiddleware", *MIDDLEWARE]


class WorkerHeaderMiddleware:
    """Outside the page cache, so hits carry the header too."""

    def __init__(self, get_response):
        import os

        self.get_response = get_response
        self.pid = str(os.getpid())

    def __call__(self, request):
        response = self.get_response(request)
        response["X-Race-Worker"] = self.pid
        return response
