"""Share buttons and counters: every click counted exactly once, abuse refused, small numbers not shown."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from articles import services
from articles.models import Article, ShareCount
from articles.templatetags.newsroom import cn_number
from tests.factories import ArticleFactory

ORIGIN = {"HTTP_ORIGIN": "http://testserver"}


@pytest.fixture
def article(db):
    return services.article_publish(article=ArticleFactory(title="分享測試文章", source=None))


def share_url(article):
    return reverse("articles:share", kwargs={"pk": article.pk})


def test_a_share_click_is_counted_and_answered_with_the_contract_payload(client, article):
    response = client.post(share_url(article), {"network": "line"}, **ORIGIN)
    assert response.status_code == 200
    assert response.json() == {"article": article.pk, "network": "line", "count": 1, "total": 1}
    response = client.post(share_url(article), {"network": "line"}, **ORIGIN)
    assert response.json()["count"] == 2
    response = client.post("/zh-hans" + share_url(article), {"network": "weibo"}, **ORIGIN)
    assert response.json() == {"article": article.pk, "network": "weibo", "count": 1, "total": 3}
    article.refresh_from_db()
    assert article.share_total == 3
    assert ShareCount.objects.get(article=article, network="line").count == 2


@pytest.mark.parametrize(
    ("method", "data", "extra", "status"),
    [
        ("get", None, ORIGIN, 405),
        ("post", {"network": "myspace"}, ORIGIN, 400),
        ("post", {}, ORIGIN, 400),
        ("post", {"network": "x"}, {}, 403),  # no Origin or Referer
        ("post", {"network": "x"}, {"HTTP_ORIGIN": "https://evil.example"}, 403),
        ("post", {"network": "x"}, {"HTTP_REFERER": "http://testserver/articles/1/x/"}, 200),
    ],
)
def test_the_endpoint_refuses_what_it_should(client, article, method, data, extra, status):
    response = getattr(client, method)(share_url(article), data, **extra)
    assert response.status_code == status
    if status != 200:
        assert not ShareCount.objects.exists()


def test_unknown_and_unpublished_articles_answer_404(client, db):
    draft = ArticleFactory()
    assert client.post(share_url(draft), {"network": "x"}, **ORIGIN).status_code == 404
    assert client.post("/articles/999999/share/", {"network": "x"}, **ORIGIN).status_code == 404
    assert not ShareCount.objects.exists()


def test_an_oversized_body_is_refused(client, article):
    response = client.post(share_url(article), {"network": "x", "padding": "a" * 5000}, **ORIGIN)
    assert response.status_code == 400
    assert not ShareCount.objects.exists()


def test_rate_limit_per_client_and_article(client, article, settings):
    settings.SHARE_RATE_LIMIT = (3, 60)
    statuses = [client.post(share_url(article), {"network": "x"}, **ORIGIN).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    other = services.article_publish(article=ArticleFactory(source=None))
    assert client.post(share_url(other), {"network": "x"}, **ORIGIN).status_code == 200
    other_client = client.post(share_url(article), {"network": "x"}, REMOTE_ADDR="10.9.9.9", **ORIGIN)
    assert other_client.status_code == 200
    article.refresh_from_db()
    assert article.share_total == 4


def test_forwarded_for_is_trusted_only_from_configured_proxies(client, article, settings):
    settings.SHARE_RATE_LIMIT = (1, 60)
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.7", **ORIGIN}
    assert client.post(share_url(article), {"network": "x"}, **spoofed).status_code == 200
    # Not a trusted proxy: a new X-Forwarded-For does not buy a fresh limit.
    spoofed["HTTP_X_FORWARDED_FOR"] = "203.0.113.8"
    assert client.post(share_url(article), {"network": "x"}, **spoofed).status_code == 429
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for reader in ("198.51.100.1", "198.51.100.2"):
        proxied = {"HTTP_X_FORWARDED_FOR": f"{reader}, 127.0.0.1", **ORIGIN}
        assert client.post(share_url(article), {"network": "x"}, **proxied).status_code == 200


@pytest.mark.parametrize(
    ("value", "hant", "hans"),
    [(0, "0", "0"), (999, "999", "999"), (1234, "1,234", "1,234"), (12_345, "1.2萬", "1.2万"),
     (100_000, "10萬", "10万"), (99_999, "9.9萬", "9.9万"), (123_456_789, "1.2億", "1.2亿")],
)
def test_chinese_number_style(value, hant, hans):
    assert cn_number(value, "zh-hant") == hant
    assert cn_number(value, "zh-hans") == hans


def test_small_totals_are_not_shown_but_the_exact_number_is_in_the_markup(client, article, settings):
    settings.SHARE_MIN_DISPLAY = 10
    settings.PAGE_CACHE_SECONDS = 0  # a cached page may show a total up to its lifetime old
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-share-total="0" hidden' in html
    Article.objects.filter(pk=article.pk).update(share_total=12_345)
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'data-share-total="12345">' in html and "<strong>1.2萬</strong>" in html
    html = client.get("/zh-hans" + article.get_absolute_url()).content.decode()
    assert "<strong>1.2万</strong>" in html


def test_share_buttons_open_each_networks_real_share_address(client, article):
    html = client.get("/zh-hans" + article.get_absolute_url()).content.decode()
    canonical = "http%3A%2F%2Ftestserver%2Fzh-hans%2Farticles%2F"
    expected = {
        "facebook": "https://www.facebook.com/sharer/sharer.php?u=" + canonical,
        "x": "https://x.com/intent/post?url=" + canonical,
        "line": "https://social-plugins.line.me/lineit/share?url=" + canonical,
        "telegram": "https://t.me/share/url?url=" + canonical,
        "weibo": "https://service.weibo.com/share/share.php?url=" + canonical,
        "whatsapp": "https://api.whatsapp.com/send?text=",
        "email": "mailto:?subject=",
    }
    for network, prefix in expected.items():
        start = html.index(f'data-network="{network}"')
        anchor = html[html.rindex("<a ", 0, start):start]
        assert f'href="{prefix}' in anchor, network
    assert 'data-network="copy"' in html
    assert "<script" in html and "js/share.js" in html
    assert "onclick" not in html


def test_link_previews_carry_opengraph_and_twitter_tags(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    for needle in ('property="og:title" content="分享測試文章"', 'property="og:locale" content="zh_TW"',
                   'property="og:site_name"', 'name="twitter:card"', '"@type": "NewsArticle"'):
        assert needle in html
    hans = client.get("/zh-hans" + article.get_absolute_url()).content.decode()
    assert 'property="og:locale" content="zh_CN"' in hans


@pytest.mark.django_db(transaction=True)
def test_concurrent_share_clicks_are_never_lost(settings):
    settings.SHARE_RATE_LIMIT = (10_000, 60)
    article = services.article_publish(article=ArticleFactory(source=None))
    url = share_url(article)
    threads_count, clicks = 8, 25
    ok: list[int] = []
    failures: list[object] = []
    barrier = threading.Barrier(threads_count)
    networks = ["facebook", "x", "line", "copy"]

    def reader(index: int) -> None:
        client = Client()
        try:
            barrier.wait()
            for i in range(clicks):
                response = client.post(url, {"network": networks[(index + i) % 4]}, **ORIGIN)
                (ok if response.status_code == 200 else failures).append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=reader, args=(i,)) for i in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(ok) == threads_count * clicks
    article.refresh_from_db()
    assert article.share_total == len(ok)
    assert sum(ShareCount.objects.filter(article=article).values_list("count", flat=True)) == len(ok)
    assert ShareCount.objects.filter(article=article).count() == 4  # one row per network per day


def test_editors_see_per_network_counts_and_the_most_shared(editor_client, article):
    services.share_record(article_id=article.pk, network="line")
    services.share_record(article_id=article.pk, network="line")
    services.share_record(article_id=article.pk, network="x")
    html = editor_client.get(reverse("admin:articles_article_change", args=[article.pk])).content.decode()
    assert "LINE：2" in html and "X：1" in html
    for days in ("1", "7", "30", "bogus"):
        response = editor_client.get(reverse("admin:articles_article_most_shared"), {"days": days})
        assert response.status_code == 200
        assert "分享測試文章" in response.content.decode()
