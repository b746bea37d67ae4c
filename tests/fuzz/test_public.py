"""Every public URL with hostile path segments and query parameters, in both scripts: never a 500."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz import client as wire
from tests.fuzz.strategies import STRANGE_NUMBERS, fuzz_settings, hostile_value, path_segments, percent

PREFIXES = ["", "/zh-hans"]
QUERY_NAMES = ["page", "p", "q", "o", "lang", "format", "utm_source", "next"]

prefixes = st.sampled_from(PREFIXES)
queries = st.lists(st.tuples(st.one_of(st.sampled_from(QUERY_NAMES), hostile_value), hostile_value), max_size=4)


def ok(response) -> None:
    assert response is None or response.status_code < 500


# --- pages with parameters ------------------------------------------------------------------------

LISTS = ["/", "/search/", "/feed/", "/feed/atom/", "/tags/測試/", "/tags/比特币/", "/sources/test-source/",
         "/sources/empty-source/", "/tags/測試/feed/", "/tags/測試/feed/atom/", "/sources/test-source/feed/",
         "/sources/test-source/feed/atom/"]


@fuzz_settings(120)
@given(prefix=prefixes, path=st.sampled_from(LISTS), page=hostile_value, q=hostile_value, extra=queries)
def test_list_pages_and_search_with_hostile_parameters(world, reader, prefix, path, page, q, extra):
    ok(wire.get(reader, prefix + path, [("page", page), ("q", q), *extra]))


@fuzz_settings(60)
@given(prefix=prefixes, page=st.one_of(st.sampled_from(STRANGE_NUMBERS), hostile_value),
       query=hostile_value)
def test_search_query_alone(world, reader, prefix, page, query):
    ok(wire.get(reader, prefix + "/search/", [("q", query), ("page", page)]))


SITEMAPS = ["/sitemap.xml", "/sitemap-articles.xml", "/sitemap-tags.xml", "/sitemap-sources.xml",
            "/sitemap-news.xml", "/robots.txt", "/healthz"]


@fuzz_settings(60)
@given(path=st.sampled_from(SITEMAPS), p=hostile_value, extra=queries)
def test_sitemaps_with_hostile_page_numbers(world, reader, path, p, extra):
    ok(wire.get(reader, path, [("p", p), *extra]))


@fuzz_settings(40)
@given(section=path_segments(), p=hostile_value)
def test_sitemap_sections_that_do_not_exist(world, reader, section, p):
    ok(wire.get(reader, f"/sitemap-{section}.xml", [("p", p)]))


# --- path parameters ------------------------------------------------------------------------------

PATTERNS = ["/articles/{}/", "/articles/{}/{}/", "/articles/{}/share/", "/tags/{}/", "/sources/{}/",
            "/tags/{}/feed/", "/tags/{}/feed/atom/", "/sources/{}/feed/", "/sources/{}/feed/atom/"]


@fuzz_settings(150)
@given(prefix=prefixes, pattern=st.sampled_from(PATTERNS), first=path_segments(), second=path_segments(),
       query=queries)
def test_hostile_slugs_and_ids_in_paths(world, reader, prefix, pattern, first, second, query):
    path = prefix + pattern.format(first, second)
    response = wire.get(reader, path, query)
    ok(response)
    if response is not None:
        assert response.status_code in (200, 301, 302, 400, 404, 405), (path, response.status_code)


@fuzz_settings(60)
@given(prefix=prefixes, pk=st.one_of(st.sampled_from(STRANGE_NUMBERS), st.integers(min_value=0).map(str)),
       slug=path_segments())
def test_numeric_ids_of_every_size(world, reader, prefix, pk, slug):
    pk = percent(pk)
    ok(wire.get(reader, f"{prefix}/articles/{pk}/"))
    ok(wire.get(reader, f"{prefix}/articles/{pk}/{slug}/"))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_real_article_with_a_hostile_slug_redirects_to_its_own(world, reader, prefix):
    article = world["article"]
    response = wire.get(reader, f"{prefix}/articles/{article.pk}/{percent('<script>')}/")
    assert response.status_code == 301


@fuzz_settings(60)
@given(path=st.lists(path_segments(), min_size=1, max_size=4).map("/".join), query=queries)
def test_arbitrary_paths_are_a_404_not_a_500(world, reader, path, query):
    ok(wire.get(reader, "/" + path, query))
    ok(wire.get(reader, "/zh-hans/" + path + "/", query))


# --- the share endpoint ---------------------------------------------------------------------------

ORIGINS = ["http://testserver", "https://testserver", "http://testserver:80", "null", "", "http://evil.example",
           "http://[::1", "http://testserver\x00.evil", "http://%00/", "//testserver", "testserver",
           "http://user@testserver", "http://testserver.", "http://ＴＥＳＴＳＥＲＶＥＲ", "http://" + "a" * 300]
NETWORKS = ["facebook", "x", "line", "telegram", "weibo", "whatsapp", "email", "copy"]
header_values = st.one_of(st.sampled_from(ORIGINS), hostile_value)


@fuzz_settings(120)
@given(network=st.one_of(st.sampled_from(NETWORKS), hostile_value), origin=header_values, referer=header_values,
       extra=queries, which=st.sampled_from(["article", "draft", "none"]))
def test_the_share_endpoint_with_hostile_networks_and_headers(world, reader, network, origin, referer, extra, which):
    pk = {"article": world["article"].pk, "draft": world["draft"].pk, "none": 10**9}[which]
    headers = {}
    # Headers travel as latin-1 bytes (WSGI); a non-latin-1 header is what a server decodes from raw UTF-8 bytes.
    if origin:
        headers["HTTP_ORIGIN"] = origin.encode("utf-8", "surrogatepass").decode("latin-1")
    if referer:
        headers["HTTP_REFERER"] = referer.encode("utf-8", "surrogatepass").decode("latin-1")
    response = wire.post(reader, f"/articles/{pk}/share/", [("network", network), *extra], **headers)
    ok(response)
    if response is not None:
        assert response.status_code in (200, 400, 403, 404, 429)
        assert "error" in response.json() or response.json()["article"] == pk


@fuzz_settings(40)
@given(body=st.binary(max_size=2000), content_type=st.sampled_from(
    ["application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "multipart/form-data",
     "application/json", "text/plain; charset=gbk", "application/x-www-form-urlencoded; charset=utf-16",
     "application/x-www-form-urlencoded; charset=bogus"]))
def test_the_share_endpoint_with_raw_bodies(world, reader, body, content_type):
    response = wire.send(reader, "POST", f"/articles/{world['article'].pk}/share/", body=body,
                         content_type=content_type, headers={"HTTP_ORIGIN": "http://testserver"})
    ok(response)
