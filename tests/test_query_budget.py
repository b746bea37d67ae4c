"""Every public page in a small, fixed number of queries, however many articles it lists (cold: no page cache).

The pins are exact: a new query on a page is a decision someone makes, not something that creeps in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article, Source
from tests.factories import ArticleFactory, make_image
from tests.stored_pages import url_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold(settings):
    settings.PAGE_CACHE_SECONDS = 0
    settings.ARTICLES_PER_PAGE = 20
    settings.FEED_ITEMS = 20


def publish(count: int, source: Source, django_capture_on_commit_callbacks) -> None:
    """Articles as editors publish them: tagged, with a credited picture, pages stored after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(count):
            services.article_publish(article=ArticleFactory(
                title=f"區塊鏈週報第{n}期", summary="本週區塊鏈產業動態。", body="<p>交易所加強資產證明。</p>",
                source=source, tags=["區塊鏈", f"第{n}期"],
                featured_image=make_image(colour=(n, 60, 90), credit="由無界AI 生成", ai_generated=True)))


PAGES = {
    # name: (url builder, queries)
    "home": (lambda: reverse("articles:home"), 1),  # the page of articles with their stored cards
    "article": (lambda: url_in("zh-hant", Article.objects.published().first()), 1),  # its stored page
    "simplified article": (lambda: url_in("zh-hans", Article.objects.published().first()), 1),
    "tag": (lambda: reverse("articles:tag", kwargs={"slug": "區塊鏈"}), 3),  # tag, its size (for the plan), page
    "source": (lambda: reverse("articles:source", kwargs={"slug": "chain-daily"}), 2),  # source, page
    # the ranking's savepoint around its two index reads (and, on PostgreSQL, its two planner settings), the
    # matches' public dates, the page of articles, their tags, their pictures' renditions
    # One of them reads the glossary the query is converted with (chinese.one_glossary), once for all its words.
    "search": (lambda: reverse("articles:search") + "?q=區塊鏈", {"sqlite": 9, "postgresql": 11}),
    # articles with sources and pictures, their tags, the pictures' renditions
    "feed": (lambda: reverse("articles:feed"), 3),
    "atom": (lambda: reverse("articles:feed_atom"), 3),
    "tag feed": (lambda: reverse("articles:tag_feed", kwargs={"slug": "區塊鏈"}), 5),  # + the tag and its size
    "source feed": (lambda: reverse("articles:source_feed", kwargs={"slug": "chain-daily"}), 4),  # + the source
    "sitemap index": (lambda: reverse("sitemap_index"), 4),  # each section's newest change
    "article sitemap": (lambda: reverse("sitemap_section", kwargs={"section": "articles"}), 1),
    "news sitemap": (lambda: reverse("sitemap_news"), 1),
    "robots.txt": (lambda: reverse("robots_txt"), 0),
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_public_page_has_a_fixed_query_budget(client, name, django_capture_on_commit_callbacks):
    url, budget = PAGES[name]
    budget = budget[connection.vendor] if isinstance(budget, dict) else budget
    source = Source.objects.create(name="區塊鏈日報", slug="chain-daily", reprint_permission="public")
    counts = []
    for more in (3, 9):  # 3 articles, then 12
        publish(more, source, django_capture_on_commit_callbacks)
        target = url()
        client.get(target)  # warm per-process caches (converters, compiled queries), as a running site has
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
        assert response.status_code == 200, (name, response.status_code)
        counts.append(len(queries))
    assert counts == [budget, budget], (name, counts, [q["sql"][:120] for q in queries.captured_queries])
