"""A deliberately wrong share counter, to prove the benchmark harness detects lost updates.

It reads the total, then writes total + 1 (read-modify-write) — what popular share plugins do.
Served beside the real app: POST /racy/<id>/ goes here, everything else to Newsroom.

    gunicorn -c gunicorn.conf.py bench.racy:application
"""

import json
import os
import re
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

from newsroom.wsgi import application as newsroom  # noqa: E402

RACY = re.compile(r"^/racy/(\d+)/$")


def application(environ, start_response):
    match = RACY.match(environ.get("PATH_INFO", ""))
    if not match or environ.get("REQUEST_METHOD") != "POST":
        return newsroom(environ, start_response)
    from articles.models import Article

    pk = int(match.group(1))
    total = Article.objects.filter(pk=pk).values_list("share_total", flat=True).get()
    time.sleep(0.001)  # the window every read-modify-write has, made visible
    Article.objects.filter(pk=pk).update(share_total=total + 1)
    body = json.dumps({"article": pk, "total": total + 1}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
