"""Search, feeds, sitemaps and structured data: readers and crawlers find every published article."""

import json
import re

import feedparser
import pytest
from django.urls import reverse

from articles import services
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        upstream = SourceFactory(name="少數派", reprint_permission="public")
        hans = services.article_publish(article=ArticleFactory(
            language="zh-hans", title="区块链信息安全指南", summary="网络安全", body="<p>服务器被攻击。</p>",
            source=SourceFactory(name="8BTC"), original_source=upstream, original_url="https://up.example/1",
            featured_image=make_image(credit="由无界AI 生成", ai_generated=True), tags=["比特币"]))
        hant = services.article_publish(article=ArticleFactory(
            title="資訊素養課程上線", summary="教你辨識假訊息", body="<p>區塊鏈與資訊安全的基礎。</p>"))
        other = services.article_publish(article=ArticleFactory(title="天氣預報", body="<p>明天下雨。</p>"))
        draft = ArticleFactory(title="區塊鏈草稿", body="<p>區塊鏈資訊</p>")
        services.article_save(article=draft)
    return {"hans": hans, "hant": hant, "other": other, "draft": draft}


def titles_found(client, query, prefix=""):
    html = client.get(prefix + "/search/", {"q": query}).content.decode()
    return re.findall(r'class="search-result">\s*<h2><a href="[^"]+">([^<]+)</a>', html)


def test_search_crosses_scripts_both_ways(client, articles):
    assert "區塊鏈資訊安全指南" in titles_found(client, "區塊鏈")
    assert titles_found(client, "信息素养", "/zh-hans") == ["信息素养课程上线"]  # shown in Simplified
    assert titles_found(client, "区块链信息") == ["區塊鏈資訊安全指南"]


def test_exact_title_match_ranks_first_and_drafts_never_show(client, articles):
    found = titles_found(client, "資訊安全")
    assert found[0] == "區塊鏈資訊安全指南"
    assert "資訊素養課程上線" in found
    assert "區塊鏈草稿" not in titles_found(client, "區塊鏈")
    assert "天氣預報" not in found


def test_a_query_matches_as_a_phrase_not_as_scattered_pairs(client, articles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        # 資訊 / 訊安 / 安全 all occur, but never as 資訊安全.
        services.article_publish(article=ArticleFactory(title="校園網路公告", body="<p>資訊很安全，訊安團隊值班。</p>"))
    found = titles_found(client, "資訊安全")
    assert "校園網路公告" not in found
    assert "區塊鏈資訊安全指南" in found


def test_results_are_paginated_and_numbered_across_pages(client, settings, django_capture_on_commit_callbacks):
    settings.ARTICLES_PER_PAGE = 2
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            services.article_publish(article=ArticleFactory(title=f"雲端備份第{n}篇", body="<p>雲端備份。</p>"))
    first = client.get(reverse("articles:search"), {"q": "雲端備份"}).content.decode()
    second = client.get(reverse("articles:search"), {"q": "雲端備份", "page": 2}).content.decode()
    assert '<ol class="search-results" start="1">' in first
    assert '<ol class="search-results" start="3">' in second
    shown = titles_found(client, "雲端備份") + re.findall(r'class="search-result">\s*<h2><a href="[^"]+">([^<]+)</a>',
                                                          second)
    assert len(shown) == len(set(shown)) == 4


def test_unpublishing_removes_from_search(client, articles, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=articles["hant"])
    assert "資訊素養課程上線" not in titles_found(client, "素養")


def test_snippets_are_highlighted_in_the_readers_variant(client, articles):
    html = client.get("/zh-hans" + reverse("articles:search"), {"q": "資訊"}).content.decode()
    assert "<mark>信息</mark>" in html
    html = client.get(reverse("articles:search"), {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("query", ["", "區", "a", "。。。", "!!!", '"', "*", "NEAR", "AND OR", "字" * 200,
                                   "\u3000", "' OR 1=1 --"])
def test_odd_queries_answer_sensibly(client, articles, query):
    assert client.get(reverse("articles:search"), {"q": query}).status_code == 200


def test_rss_and_atom_feeds_parse_and_carry_attribution(client, articles):
    for url in ("/feed/", "/feed/atom/", "/zh-hans/feed/", "/tags/比特幣/feed/", "/sources/8btc/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200, url
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        assert feed.feed.title and feed.entries
        for entry in feed.entries:
            assert entry.title and entry.link.startswith("http://testserver/")
    rss = feedparser.parse(client.get("/feed/").content)
    entry = next(e for e in rss.entries if e.title == "區塊鏈資訊安全指南")
    assert "原文來源" in entry.description and "https://up.example/1" in entry.description
    assert "編譯自8BTC" in entry.description
    assert entry.enclosures and entry.enclosures[0].href.startswith("http://testserver/media/")
    assert "區塊鏈草稿" not in [e.title for e in rss.entries]
    hans = feedparser.parse(client.get("/zh-hans/feed/").content)
    assert "区块链信息安全指南" in [e.title for e in hans.entries]


def test_sitemaps_list_only_published_articles_with_alternates(client, articles):
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-articles.xml" in index and "sitemap-tags.xml" in index
    body = client.get("/sitemap-articles.xml").content.decode()
    assert articles["hans"].get_absolute_url() in body
    assert f"/articles/{articles['draft'].pk}/" not in body
    assert 'hreflang="zh-hans"' in body and 'hreflang="x-default"' in body
    news = client.get("/sitemap-news.xml").content.decode()
    assert "<news:title>区块链信息安全指南</news:title>" in news and "<news:language>zh-cn</news:language>" in news
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots and "Disallow: /admin/" in robots


def test_json_ld_parses_and_carries_the_attribution_chain(client, articles):
    html = client.get(articles["hans"].get_absolute_url()).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "區塊鏈資訊安全指南"
    assert data["isBasedOn"]["url"] == "https://up.example/1"
    assert data["isBasedOn"]["publisher"]["name"] == "少數派"
    assert data["sourceOrganization"]["name"] == "8BTC"
    assert data["image"]["creditText"] == "由無界AI 生成"
    assert data["inLanguage"] == "zh-Hant-TW" and "datePublished" in data and "dateModified" in data
    assert data["copyrightHolder"]["name"] == "8BTC"
