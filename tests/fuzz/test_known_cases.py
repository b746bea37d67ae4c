"""The server errors this suite found, one regression test each (all fixed in issue 18; the admin search case was
found by this suite). A case found before its fix lands is pinned here with ``xfail(strict=True)`` and matched in
``known.py`` until then."""

from __future__ import annotations

import time

import pytest
from django.db import DataError
from django.http import HttpResponseServerError
from django.test import Client

from articles import services
from articles.models import Article
from tests.fuzz import client as wire
from tests.fuzz import known


def answered(client: Client, path: str, query: str = "") -> int:
    """The status, or the name of the exception a reader would have got as a 500."""
    try:
        return client.get(path, QUERY_STRING=query).status_code
    except Exception as exc:
        return type(exc).__name__


@pytest.mark.parametrize("path", ["/tags/%00/", "/sources/a%00b/", "/zh-hans/tags/%00/feed/",
                                  "/sources/%00/feed/atom/"])
def test_a_nul_byte_in_a_url_slug_is_a_404(world, path):
    assert answered(Client(), path) == 404


@pytest.mark.parametrize(("query", "vendors"), [
    ("publish_at__year=1", {"sqlite"}),  # PostgreSQL answers this one
    ("publish_at__year=9999&publish_at__month=12", {"sqlite", "postgresql"}),
    ("publish_at__year=2024&publish_at__month=1&publish_at__day=2147483648", {"sqlite", "postgresql"}),
])
def test_an_impossible_date_in_the_admin_list_is_not_a_500(editor_client, world, query, vendors):
    assert answered(editor_client, "/admin/articles/article/", query) in (200, 302, 400)


FEED = """<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0"><channel><title>訂閱的摘要</title><link>https://feeds.example/</link>
<item><title>{title}</title><link>https://feeds.example/1</link><guid>enc-1</guid>
<description>&lt;p&gt;內文&lt;/p&gt;</description></item></channel></rss>"""


@pytest.mark.parametrize(("encoding", "title", "bom"), [
    ("gbk", "简体标题：数据库", b""), ("gb18030", "简体标题：𠀀", b""), ("big5", "繁體標題：資料庫", b""),
    ("utf-16", "繁體標題", b""), ("utf-16-le", "繁體標題", b"\xff\xfe"),
])
def test_a_feed_in_its_declared_encoding_imports_with_its_title(feed_source, tmp_path, encoding, title, bom):
    path = tmp_path / "feed.xml"
    path.write_bytes(bom + FEED.format(encoding=encoding.removesuffix("-le"), title=title).encode(encoding))
    result = services.articles_import(paths=[path], source=feed_source)
    assert result.created == 1, result.report
    assert Article.objects.filter(title=title).exists()


def test_a_feed_declaring_an_unknown_encoding_fails_alone(world, feed_source, tmp_path):
    (tmp_path / "a.xml").write_bytes(FEED.format(encoding="bogus", title="x").encode())
    (tmp_path / "b.json").write_text('[{"guid": "ok", "title": "好的", "body": "<p>內文</p>", '
                                     '"source": {"name": "外部", "url": "https://outlet.example"}}]')
    result = services.articles_import(paths=[tmp_path])
    assert (result.created, result.failed) == (1, 1), result.report


def test_throttling_counts_a_username_as_django_normalises_it(login_user):
    client = Client()
    for _ in range(10):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    assert client.post("/admin/login/", {"username": "ＥＤＩＴＯＲ", "password": "wrong"}).status_code == 429


def test_an_admin_search_of_many_words_answers_quickly(editor_client, world):
    started = time.monotonic()
    status = answered(editor_client, "/admin/articles/article/", "q=" + "a+" * 1200)
    assert status == 200 and time.monotonic() - started < 2


def test_no_server_error_is_let_through():
    """The suite's own check: with every known case fixed, no server error passes as a known one."""
    nul = DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    assert known.match(wire.Sent("GET", "/tags/%00/"), nul) is None
    assert known.match(wire.Sent("GET", "/search/", "q=%00"), nul) is None
    assert known.match(wire.Sent("GET", "/tags/x/"), ZeroDivisionError()) is None
    assert known.match(wire.Sent("GET", "/admin/articles/article/", "o=1"), OverflowError()) is None
    assert known.match(wire.Sent("GET", "/"), None, HttpResponseServerError()) is None
