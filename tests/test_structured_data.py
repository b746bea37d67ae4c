"""JSON-LD for crawlers on list and article pages: CollectionPage, ItemList, BreadcrumbList."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from articles import services
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def json_ld(client, url, **params) -> dict[str, dict]:
    """Each JSON-LD object on the page, by its @type."""
    with translation.override("zh-hant"):  # a /zh-hans/ request must not leave reverse() in Simplified
        response = client.get(url, params)
    assert response.status_code == 200, url
    objects = [json.loads(raw) for raw in SCRIPT.findall(response.content.decode())]
    by_type = {data["@type"]: data for data in objects}
    assert len(by_type) == len(objects), "one object per type"
    return by_type


def items(collection: dict) -> list[tuple[int, str, str]]:
    return [(item["position"], item["name"], item["url"])
            for item in collection["mainEntity"]["itemListElement"]]


def absolute(path: str) -> str:
    return "http://testserver" + path  # reverse() has already percent-encoded the path


def absolute_in(language: str, article) -> str:
    with translation.override(language):
        return absolute(article.get_absolute_url())


@pytest.fixture
def newest_first(settings, django_capture_on_commit_callbacks):
    """Five published articles an hour apart (newest first), from one source with one tag; a draft and
    an article scheduled for later, which readers must not see yet."""
    settings.ARTICLES_PER_PAGE = 2
    source = SourceFactory(name="區塊鏈日報", slug="chain-daily")
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        published = [services.article_publish(article=ArticleFactory(
            title=f"軟體資訊第{n}則", source=source, tags=["網路"], publish_at=now - datetime.timedelta(hours=n)))
            for n in range(1, 6)]
        ArticleFactory(title="未發布的草稿", source=source, tags=["網路"])
        ArticleFactory(title="排程中的文章", status="scheduled", publish_at=now + datetime.timedelta(hours=1),
                       source=source, tags=["網路"])
    return {"source": source, "articles": published}


def test_home_collection_lists_the_page_in_order_with_absolute_positions(client, newest_first, settings):
    articles = newest_first["articles"]
    data = json_ld(client, reverse("articles:home"))
    assert set(data) == {"CollectionPage"}  # the home page is the top: no breadcrumb trail
    page = data["CollectionPage"]
    assert page["@context"] == "https://schema.org"
    assert page["name"] == "最新文章"
    assert page["url"] == "http://testserver/"
    assert page["inLanguage"] == "zh-Hant-TW"
    assert page["isPartOf"] == {"@type": "WebSite", "name": settings.SITE_NAME, "url": "http://testserver/"}
    assert page["mainEntity"]["@type"] == "ItemList"
    assert items(page) == [(1, "軟體資訊第1則", absolute(articles[0].get_absolute_url())),
                           (2, "軟體資訊第2則", absolute(articles[1].get_absolute_url()))]

    second = json_ld(client, reverse("articles:home"), page=2)["CollectionPage"]
    assert second["url"] == "http://testserver/?page=2"
    assert items(second) == [(3, "軟體資訊第3則", absolute(articles[2].get_absolute_url())),
                             (4, "軟體資訊第4則", absolute(articles[3].get_absolute_url()))]
    last = json_ld(client, reverse("articles:home"), page=3)["CollectionPage"]
    assert [position for position, _name, _url in items(last)] == [5]
    assert "未發布的草稿" not in json.dumps(last, ensure_ascii=False)
    assert "排程中的文章" not in json.dumps(data, ensure_ascii=False)


def test_a_bad_page_number_gives_the_canonical_url_of_the_page_shown(client, newest_first):
    assert json_ld(client, reverse("articles:home"), page="abc")["CollectionPage"]["url"] == "http://testserver/"
    assert json_ld(client, reverse("articles:home"), page="1")["CollectionPage"]["url"] == "http://testserver/"


def test_tag_and_source_pages_carry_their_collection_and_breadcrumbs(client, newest_first, settings):
    settings.ARTICLES_PER_PAGE = 10
    tag_url = reverse("articles:tag", kwargs={"slug": "網路"})
    data = json_ld(client, tag_url)
    assert data["CollectionPage"]["name"] == "標籤：網路"
    assert data["CollectionPage"]["url"] == absolute(tag_url)
    assert [name for _position, name, _url in items(data["CollectionPage"])] == [
        f"軟體資訊第{n}則" for n in range(1, 6)]  # published only, newest first
    assert data["BreadcrumbList"]["itemListElement"] == [
        {"@type": "ListItem", "position": 1, "name": "首頁", "item": "http://testserver/"},
        {"@type": "ListItem", "position": 2, "name": "標籤：網路", "item": absolute(tag_url)},
    ]

    source = newest_first["source"]
    data = json_ld(client, source.get_absolute_url())
    assert data["CollectionPage"]["name"] == "來源：區塊鏈日報"
    assert data["CollectionPage"]["url"] == "http://testserver/sources/chain-daily/"
    assert len(items(data["CollectionPage"])) == 5
    assert [(c["name"], c["item"]) for c in data["BreadcrumbList"]["itemListElement"]] == [
        ("首頁", "http://testserver/"), ("來源：區塊鏈日報", "http://testserver/sources/chain-daily/")]


def test_paginated_tag_page_keeps_the_breadcrumb_on_the_tag(client, newest_first):
    tag_url = reverse("articles:tag", kwargs={"slug": "網路"})
    data = json_ld(client, tag_url, page=2)
    assert data["CollectionPage"]["url"] == absolute(tag_url) + "?page=2"
    assert [position for position, _name, _url in items(data["CollectionPage"])] == [3, 4]
    assert data["BreadcrumbList"]["itemListElement"][-1]["item"] == absolute(tag_url)


def test_simplified_variant_speaks_simplified(client, newest_first, settings):
    settings.SITE_NAME = "新聞室"
    articles = newest_first["articles"]
    data = json_ld(client, "/zh-hans/")
    page = data["CollectionPage"]
    assert page["inLanguage"] == "zh-Hans"
    assert page["url"] == "http://testserver/zh-hans/"
    assert page["isPartOf"]["url"] == "http://testserver/zh-hans/"
    assert page["isPartOf"]["name"] == "新闻室"
    assert items(page)[0] == (1, "软件信息第1则", absolute_in("zh-hans", articles[0]))

    data = json_ld(client, "/zh-hans" + newest_first["source"].get_absolute_url(), page=2)
    assert data["CollectionPage"]["name"] == "来源：区块链日报"
    assert data["CollectionPage"]["url"] == "http://testserver/zh-hans/sources/chain-daily/?page=2"
    assert [(c["name"], c["item"]) for c in data["BreadcrumbList"]["itemListElement"]] == [
        ("首页", "http://testserver/zh-hans/"), ("来源：区块链日报", "http://testserver/zh-hans/sources/chain-daily/")]

    tag = json_ld(client, "/zh-hans" + reverse("articles:tag", kwargs={"slug": "網路"}))
    assert tag["CollectionPage"]["name"] == "标签：网络"
    assert tag["BreadcrumbList"]["itemListElement"][1]["name"] == "标签：网络"


def test_article_page_has_a_breadcrumb_through_its_first_tag_or_its_source(client, newest_first):
    article = newest_first["articles"][0]
    data = json_ld(client, article.get_absolute_url())
    assert data["NewsArticle"]["headline"] == "軟體資訊第1則"
    assert [(c["position"], c["name"], c["item"]) for c in data["BreadcrumbList"]["itemListElement"]] == [
        (1, "首頁", "http://testserver/"),
        (2, "標籤：網路", absolute(reverse("articles:tag", kwargs={"slug": "網路"}))),
        (3, "軟體資訊第1則", absolute(article.get_absolute_url())),
    ]
    hans = json_ld(client, "/zh-hans" + article.get_absolute_url())["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in hans] == ["首页", "标签：网络", "软件信息第1则"]
    assert hans[1]["item"].startswith("http://testserver/zh-hans/tags/")

    untagged = services.article_publish(article=ArticleFactory(title="沒有標籤", source=newest_first["source"]))
    crumbs = json_ld(client, untagged.get_absolute_url())["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["首頁", "來源：區塊鏈日報", "沒有標籤"]


def test_a_title_cannot_break_out_of_the_script_element(client, newest_first):
    hostile = "</script><script>alert(1)</script>"
    article = services.article_publish(article=ArticleFactory(
        title=f"標題{hostile}", source=newest_first["source"], tags=["網路"]))
    for url in (reverse("articles:home"), newest_first["source"].get_absolute_url(),
                reverse("articles:tag", kwargs={"slug": "網路"}), article.get_absolute_url()):
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
        scripts = SCRIPT.findall(html)
        names = [json.dumps(json.loads(raw), ensure_ascii=False) for raw in scripts]
        assert any(hostile in name for name in names), url  # the title survives, escaped, inside the JSON
        assert all("</" not in raw for raw in scripts), url


@pytest.mark.parametrize("url", ["/", "/zh-hans/tags/網路/", "/sources/chain-daily/", "/zh-hans/sources/chain-daily/"])
def test_structured_data_costs_no_query_per_article(client, newest_first, settings, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for per_page in (1, 5):
        settings.ARTICLES_PER_PAGE = per_page
        with CaptureQueriesContext(connection) as queries:
            assert len(json_ld(client, url)["CollectionPage"]["mainEntity"]["itemListElement"]) == per_page
        counts.append(len(queries))
    assert counts[0] == counts[1]
