"""Public pages: what readers see, what they must not see, and a constant number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import pages as prerender
from articles import services
from articles.models import Source
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def compiled_article():
    upstream = SourceFactory(name="少數派", homepage="https://sspai.example/", reprint_permission="public")
    source = SourceFactory(name="8BTC", reprint_permission="granted",
                           copyright_notice="版權歸作者所有，未經許可，不得轉載。")
    image = make_image(credit="由無界AI 生成", ai_generated=True, alt_text="一台發光的伺服器")
    article = ArticleFactory(
        title="GPT-4 的新功能席捲而來", body="<p>資訊安全</p>", source=source, original_source=upstream,
        original_url="https://sspai.example/post/12345", featured_image=image, tags=["GPT-4", "OpenAI"],
    )
    return services.article_publish(article=article)


def test_article_page_shows_the_attribution_chain(client, compiled_article, settings):
    settings.SITE_NAME = "0x資訊"
    response = client.get(compiled_article.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index("data-attribution"):html.index("</section>", html.index("data-attribution"))]
    assert '原文來源：<a href="https://sspai.example/post/12345"' in block
    assert ">少數派</a>" in block
    assert "資訊來源：由0x資訊編譯自" in block
    assert f'<a href="{reverse("articles:source", kwargs={"slug": "8btc"})}">8BTC</a>' in block
    assert "版權歸作者所有，未經許可，不得轉載。" in block
    assert "圖片來源：由無界AI 生成" in html
    assert "AI 生成</span>" in html
    assert 'alt="一台發光的伺服器"' in html
    for tag_slug in ("gpt-4", "openai"):
        assert f'href="/tags/{tag_slug}/"' in html
    assert "max-age=" in response["Cache-Control"]


def test_an_own_article_has_no_compiled_from_line(client):
    own = SourceFactory(name="新聞室", reprint_permission=Source.Permission.OWN, copyright_notice="")
    article = services.article_publish(article=ArticleFactory(source=own, copyright_notice=""))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "原文來源" not in html
    # The site's own story is compiled from no one: no 「由新聞室編譯自新聞室」 (issue 17), and with no copyright
    # notice either, no empty attribution block.
    assert "編譯自" not in html and "data-attribution" not in html


@pytest.mark.parametrize("status", ["draft", "review", "archived"])
def test_unpublished_articles_answer_404(client, status):
    article = ArticleFactory(status=status, publish_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    assert client.get(reverse("articles:detail_short", kwargs={"pk": article.pk})).status_code == 404


def test_future_scheduled_article_is_hidden_until_its_time(client):
    article = ArticleFactory(status="scheduled", publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert client.get(article.get_absolute_url()).status_code == 404
    article.publish_at = timezone.now() - datetime.timedelta(seconds=1)
    article.save()
    assert client.get(article.get_absolute_url()).status_code == 200


def test_short_and_stale_urls_redirect_permanently_to_the_canonical_one(client, compiled_article):
    canonical = compiled_article.get_absolute_url()
    response = client.get(reverse("articles:detail_short", kwargs={"pk": compiled_article.pk}))
    assert response.status_code == 301
    assert response["Location"] == canonical
    response = client.get(reverse("articles:detail", kwargs={"pk": compiled_article.pk, "slug": "old-title"}))
    assert response.status_code == 301
    assert response["Location"] == canonical


def test_home_lists_newest_published_first_and_paginates(client, settings):
    settings.ARTICLES_PER_PAGE = 2
    now = timezone.now()
    titles = []
    for hours in (1, 2, 3):
        article = ArticleFactory(published=True, publish_at=now - datetime.timedelta(hours=hours))
        titles.append(article.title)
    ArticleFactory(title="草稿不該出現")
    first = client.get(reverse("articles:home")).content.decode()
    assert first.index(titles[0]) < first.index(titles[1])
    assert titles[2] not in first and "草稿不該出現" not in first
    second = client.get(reverse("articles:home"), {"page": 2}).content.decode()
    assert titles[2] in second


@pytest.mark.parametrize("page", ["0", "-1", "999", "abc", "1.5", "9" * 40])
def test_bad_page_numbers_never_fail(client, page):
    ArticleFactory(published=True)
    assert client.get(reverse("articles:home"), {"page": page}).status_code == 200


def test_tag_and_source_pages_list_only_their_published_articles(client):
    source = SourceFactory(name="鏈聞")
    tagged = ArticleFactory(published=True, source=source, tags=["比特幣"])
    ArticleFactory(published=True, tags=["以太坊"])
    ArticleFactory(source=source, tags=["比特幣"], title="未發布的草稿")
    tag_html = client.get(reverse("articles:tag", kwargs={"slug": "比特幣"})).content.decode()
    assert tagged.title in tag_html and "未發布的草稿" not in tag_html
    source_html = client.get(source.get_absolute_url()).content.decode()
    assert tagged.title in source_html and "未發布的草稿" not in source_html
    assert client.get(reverse("articles:tag", kwargs={"slug": "不存在"})).status_code == 404


def test_simplified_variant_shows_converted_text(client):
    article = ArticleFactory(published=True, language="zh-hant", title="軟體資訊", tags=["網路"])
    response = client.get("/zh-hans" + article.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "软件信息" in html
    assert 'lang="zh-Hans"' in html


def _add_tags(articles, count):
    for article in articles:
        article.tags.add(*[f"標籤{article.pk}-{i}" for i in range(count)])


@pytest.fixture
def cold(settings):
    """Query pins measure the cold path: no page cache."""
    settings.PAGE_CACHE_SECONDS = 0


def test_home_query_count_stays_constant_as_articles_gain_tags(client, cold, django_assert_num_queries):
    articles = [ArticleFactory(published=True, featured_image=make_image(colour=(i, 1, 1))) for i in range(5)]
    _add_tags(articles, 1)
    # Cards not stored yet: the page of articles (no COUNT) with their stored cards, then the articles without
    # one, their tags and their images' renditions, to render live.
    with django_assert_num_queries(4):
        client.get(reverse("articles:home"))
    _add_tags(articles, 6)
    with django_assert_num_queries(4):
        assert client.get(reverse("articles:home")).status_code == 200
    # Stored (articles.prerender): one query for the page, cards included.
    prerender.render_articles(article.pk for article in articles)
    with django_assert_num_queries(1):
        html = client.get(reverse("articles:home")).content.decode()
    assert html.count('<article class="card">') == 5 and "標籤" in html


def test_article_query_count_stays_constant_as_it_gains_tags(client, cold, compiled_article,
                                                              django_assert_num_queries):
    url = compiled_article.get_absolute_url()
    # Rendered live (not stored yet): the stored-page lookup, the article with sources and image, its tags,
    # the image's renditions, its related articles
    with django_assert_num_queries(5):
        client.get(url)
    compiled_article.tags.add(*[f"標籤{i}" for i in range(10)])
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    # Stored (articles.prerender): one query, whatever the page shows.
    prerender.render_articles([compiled_article.pk])
    with django_assert_num_queries(1):
        assert client.get(url).status_code == 200


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch):
    from django.db import OperationalError
    from django.db.backends.utils import CursorWrapper

    def broken(self, *args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CursorWrapper, "execute", broken)
    assert client.get("/healthz").status_code == 503


def test_404_page_is_friendly(client):
    response = client.get("/articles/999999/nothing/")
    assert response.status_code == 404
    assert "找不到這個頁面" in response.content.decode()
