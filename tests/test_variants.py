"""Traditional at the root, Simplified under /zh-hans/: same paths, converted at write time."""

import pytest
from django.urls import reverse

from articles import services
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def simplified_article():
    source = SourceFactory(name="区块链日报", reprint_permission="public",
                           copyright_notice="版权归作者所有，未经许可，不得转载")
    image = make_image(credit="由无界AI 生成", ai_generated=True)
    article = ArticleFactory(
        language="zh-hans", title="信息安全风暴席卷而来", summary="软件供应链受到冲击",
        body='<p>服务器与网络<a href="https://example.com/信息">信息</a></p><pre><code>信息 = 1</code></pre>',
        source=source, featured_image=image, tags=["比特币"],
    )
    return services.article_publish(article=article)


def test_each_variant_shows_its_own_script_everywhere(client, simplified_article):
    hant = client.get(simplified_article.get_absolute_url()).content.decode()
    assert "資訊安全風暴席捲而來" in hant
    assert "伺服器與網路" in hant and 'href="https://example.com/信息"' in hant and "<code>信息 = 1</code>" in hant
    assert "區塊鏈日報" in hant and "版權歸作者所有" in hant and "由無界AI 生成" in hant and "比特幣" in hant
    assert "資訊來源：由新聞室編譯自" in hant and 'lang="zh-Hant-TW"' in hant

    hans = client.get("/zh-hans" + simplified_article.get_absolute_url()).content.decode()
    assert "信息安全风暴席卷而来" in hans
    assert "区块链日报" in hans and "版权归作者所有" in hans and "由无界AI 生成" in hans and "比特币" in hans
    assert "信息来源：由新闻室编译自" in hans and 'lang="zh-Hans"' in hans
    assert "跳至内容" in hans and "跳至內容" not in hans


def test_every_page_links_its_other_variant_with_hreflang(client, simplified_article):
    path = simplified_article.get_absolute_url()
    for url in (path, "/zh-hans" + path, reverse("articles:home"), "/zh-hans/"):
        html = client.get(url).content.decode()
        assert f'hreflang="zh-Hant-TW" href="http://testserver{path if "articles" in url else "/"}"' in html
        assert 'hreflang="zh-Hans" href="http://testserver/zh-hans/' in html
        assert 'hreflang="x-default"' in html


def test_reading_never_runs_a_conversion(client, simplified_article, monkeypatch):
    from articles.text import chinese

    def forbidden(*args, **kwargs):
        raise AssertionError("conversion on a reader's request")

    path = simplified_article.get_absolute_url()
    client.get(path)  # warm the per-process site name
    client.get("/zh-hans" + path)
    monkeypatch.setattr(chinese, "to_hant", forbidden)
    monkeypatch.setattr(chinese, "to_hans", forbidden)
    for url in (path, "/zh-hans" + path, "/", "/zh-hans/", "/tags/比特幣/", "/zh-hans/tags/比特幣/"):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("query", ["資訊安全", "信息安全", "风暴", "風暴", "伺服器"])
def test_search_in_either_script_finds_articles_in_either_script(client, simplified_article, query):
    traditional = services.article_publish(article=ArticleFactory(title="資訊安全新規上路", language="zh-hant"))
    html = client.get(reverse("articles:search"), {"q": query}).content.decode()
    assert simplified_article.title_hant in html
    if "安全" in query:
        assert traditional.title in html


@pytest.mark.parametrize("query", ["", " ", "a", "%", "'; DROP TABLE articles_article;--", "字" * 5000, "\x00"])
def test_odd_search_queries_answer_sensibly(client, query):
    assert client.get(reverse("articles:search"), {"q": query}).status_code == 200
