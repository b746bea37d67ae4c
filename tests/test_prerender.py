"""Article pages rendered at write time: what a reader gets from a stored page is exactly what the live view
renders, for whichever host asked, with the share total of the moment; every write that changes what a page
shows renders it anew, and nothing stale or unpublished is ever served."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation

from articles import pages as prerender
from articles import selectors, services
from articles.models import Article, ArticlePage, RelatedArticle, Source
from tests.factories import ArticleFactory, SourceFactory, make_image
from tests.stored_pages import live, url_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cold(settings):
    """No page cache: every request below reaches the view."""
    settings.PAGE_CACHE_SECONDS = 0


@pytest.fixture
def story(django_capture_on_commit_callbacks, settings):
    """A compiled article with everything a page can show: tags, source, upstream, credited picture, a related
    article and enough shares to be displayed."""
    settings.RELATED_MIN_SCORE = 0
    with django_capture_on_commit_callbacks(execute=True):
        upstream = SourceFactory(name="少數派", slug="sspai", homepage="https://sspai.com")
        neighbour = services.article_publish(article=ArticleFactory(
            title="比特幣閃電網路節點創新高", summary="節點數量創新高。", tags=["比特幣", "閃電網路"]))
        article = services.article_publish(article=ArticleFactory(
            language="zh-hans", title="比特币闪电网络扩容方案上线", summary="闪电网络推出扩容方案。",
            body="<p>信息安全团队席卷而来。</p>", tags=["比特币", "闪电网络"],
            source=SourceFactory(name="8BTC", slug="8btc"), original_source=upstream,
            original_url="https://sspai.com/post/1",
            featured_image=make_image(credit="由无界AI 生成", ai_generated=True, caption="示意图")))
    for _ in range(12):
        services.share_record(article_id=article.pk, network="line")
    return {"article": article, "neighbour": neighbour}


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
@pytest.mark.parametrize("host", ["testserver", "localhost"])
def test_a_stored_page_is_byte_for_byte_what_the_live_view_renders(client, story, settings, language, host):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    article = story["article"]
    assert ArticlePage.objects.filter(article=article).count() == 2
    url = url_in(language, article)
    stored = client.get(url, HTTP_HOST=host).content.decode()
    assert stored == live(client, url, HTTP_HOST=host)
    # What had to be filled in was filled in: this host everywhere, the share count of now.
    assert prerender.origin_host() not in stored and "prerendered" not in stored and prerender.YEAR_MARK not in stored
    assert prerender.SHARE_TOTAL_MARK not in stored
    assert f'<link rel="canonical" href="http://{host}{url}">' in stored
    assert f"u=http%3A%2F%2F{host}%2F" in stored  # the Facebook share address, percent-encoded
    assert 'data-share-total="12"' in stored
    related = stored[stored.index("data-related"):]
    assert f'href="{url_in(language, story["neighbour"])}"' in related


def test_reading_a_stored_page_is_one_query(client, story, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get(story["article"].get_absolute_url())
    assert response.status_code == 200
    assert "比特幣閃電網路擴容方案上線" in response.content.decode()


def test_share_clicks_show_without_a_new_render(client, story):
    article = story["article"]
    rendered_at = ArticlePage.objects.get(article=article, language="zh-hant").rendered_at
    services.share_record(article_id=article.pk, network="x")
    html = client.get(article.get_absolute_url()).content.decode()
    assert re.search(r'<span class="share-total" data-share-total="13">分享 <strong>13</strong> 次</span>', html)
    assert ArticlePage.objects.get(article=article, language="zh-hant").rendered_at == rendered_at


def test_a_small_share_total_stays_hidden(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_publish(article=ArticleFactory())
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="share-total" data-share-total="0" hidden>' in html


def test_editing_renders_the_page_again_and_unpublishing_removes_it(client, story, django_capture_on_commit_callbacks):
    article = story["article"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "比特币闪电网络扩容方案延期"
        services.article_save(article=article)
    stored = ArticlePage.objects.get(article=article, language="zh-hant").html
    assert "比特幣閃電網路擴容方案延期" in stored
    assert "比特幣閃電網路擴容方案延期" in client.get(article.get_absolute_url()).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=article)
    assert not ArticlePage.objects.filter(article=article).exists()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_wrong_slug_redirects_from_the_stored_page(client, story, django_assert_num_queries):
    article = story["article"]
    with django_assert_num_queries(1):
        response = client.get(reverse("articles:detail", kwargs={"pk": article.pk, "slug": "舊的"}))
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_a_page_from_another_build_is_never_served(client, story):
    article = story["article"]
    ArticlePage.objects.filter(article=article).update(html="舊樣板的頁面", build="an-older-deploy")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "舊樣板的頁面" not in html
    assert "比特幣閃電網路擴容方案上線" in html
    assert selectors.article_ids_to_render() == [article.pk]


def test_a_scheduled_page_is_stored_ahead_but_served_only_from_its_time(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_schedule(article=ArticleFactory(title="明早發布的新聞"),
                                            publish_at=timezone.now() + datetime.timedelta(hours=1))
    assert ArticlePage.objects.filter(article=article).count() == 2
    assert client.get(article.get_absolute_url()).status_code == 404
    # Its time comes (no cron run needed): the stored page is served.
    past = timezone.now() - datetime.timedelta(minutes=1)
    Article.objects.filter(pk=article.pk).update(publish_at=past)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200 and "明早發布的新聞" in response.content.decode()


def test_a_new_related_article_renders_the_lists_it_joins(client, story, django_capture_on_commit_callbacks):
    neighbour = story["neighbour"]
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.article_publish(article=ArticleFactory(
            title="閃電網路擴容後手續費下降", summary="閃電網路擴容方案上線後手續費下降。",
            tags=["比特幣", "閃電網路"]))
    assert RelatedArticle.objects.filter(article=neighbour, related=newcomer).exists()
    html = client.get(neighbour.get_absolute_url()).content.decode()
    related = html[html.index("data-related"):]
    assert "閃電網路擴容後手續費下降" in related
    assert html == live(client, neighbour.get_absolute_url())


def test_editing_a_tag_source_or_picture_renders_the_pages_that_show_it(client, story,
                                                                        django_capture_on_commit_callbacks):
    article = story["article"]
    tag = article.tags.get(name="閃電網路")
    with django_capture_on_commit_callbacks(execute=True):
        tag.name = "閃電支付通道"
        services.tag_save(tag=tag)
        source = article.source
        source.name = "鏈聞日報"
        services.source_save(source=source)
        image = article.featured_image
        image.credit = "由無界AI 生成（編輯修正）"
        services.image_update_details(image=image)
    for language in ("zh-hant", "zh-hans"):
        url = url_in(language, article)
        html = client.get(url).content.decode()
        assert html == live(client, url)
    html = client.get(url_in("zh-hant", article)).content.decode()
    assert "閃電支付通道" in html and "鏈聞日報" in html and "（編輯修正）" in html


def test_a_tag_rename_is_on_every_page_at_once_and_rendered_in_the_background(client, monkeypatch,
                                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        articles = [services.article_publish(article=ArticleFactory(tags=["熱門"])) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=False):  # committed; the background has not run yet
        tag = articles[0].tags.get()
        tag.name = "熱門話題"
        services.tag_save(tag=tag)
    assert len(selectors.article_ids_to_render()) == 4
    for article in articles:  # rendered live meanwhile: every page shows the new name
        assert "熱門話題" in client.get(url_in("zh-hant", article)).content.decode()
    call_command("render_pages", stdout=open("/dev/null", "w"))  # noqa: SIM115 - or the background worker
    assert selectors.article_ids_to_render() == []
    for article in articles:
        assert "熱門話題" in selectors.article_page_stored(pk=article.pk, language="zh-hant").html


def test_a_page_that_cannot_be_rendered_is_served_live(client, story, monkeypatch):
    article = story["article"]

    def broken(*args, **kwargs):
        raise RuntimeError("template error")

    monkeypatch.setattr(prerender, "render", broken)
    Article.objects.filter(pk=article.pk).update(page_version=F("page_version") + 1)  # outdated, say by an edit
    assert prerender.render_articles([article.pk]) == 0
    assert selectors.article_page_stored(pk=article.pk, language="zh-hant") is None  # never the old page
    assert client.get(article.get_absolute_url()).status_code == 200


def test_render_pages_renders_what_is_missing_and_is_safe_to_rerun(story, capsys):
    ArticlePage.objects.all().delete()
    call_command("render_pages", "--dry-run")
    assert "would render 2 articles" in capsys.readouterr().out
    call_command("render_pages")
    out = capsys.readouterr().out
    assert "rendered 2 articles" in out and "2/2" in out
    assert ArticlePage.objects.count() == 4
    call_command("render_pages")
    assert "rendered 0 articles" in capsys.readouterr().out
    call_command("render_pages", "--all", "--newest", "1")
    assert "rendered 1 articles" in capsys.readouterr().out
    ArticlePage.objects.filter(article=story["neighbour"]).delete()  # the older one
    call_command("render_pages", "--newest", "1")  # the newest one is current: nothing to do
    assert "rendered 0 articles" in capsys.readouterr().out


@pytest.mark.parametrize("case", ["published", "scheduled", "unpublished", "other_build", "other_language",
                                  "permission_lapsed"])
def test_the_compiled_query_answers_like_the_orm_queryset(story, case, django_capture_on_commit_callbacks):
    article = story["article"]
    language, build = "zh-hant", prerender.build()
    if case == "scheduled":
        later = timezone.now() + datetime.timedelta(hours=2)
        Article.objects.filter(pk=article.pk).update(publish_at=later)
    elif case == "unpublished":
        Article.objects.filter(pk=article.pk).update(status="draft")
    elif case == "other_build":
        ArticlePage.objects.filter(article=article).update(build="older")
    elif case == "other_language":
        ArticlePage.objects.filter(article=article, language=language).delete()
    elif case == "permission_lapsed":
        Source.objects.filter(pk=article.source_id).update(
            reprint_permission="granted", permission_expires=timezone.localdate() - datetime.timedelta(days=1))
    expected = list(selectors.public._stored_page_queryset(pk=article.pk, language=language, build=build,
                                                    now=timezone.now()))
    got = selectors.article_page_stored(pk=article.pk, language=language)
    assert ([tuple(got)] if got else []) == expected
    assert bool(expected) == (case == "published")


@pytest.mark.parametrize("language", ["zh-hant", "zh-hans"])
def test_list_pages_show_stored_cards_exactly_as_rendered_live(client, story, language):
    article = story["article"]
    with translation.override(language):
        urls = [reverse("articles:home"), article.tags.first().get_absolute_url(), article.source.get_absolute_url()]
    for url in urls:
        stored = client.get(url).content.decode()
        assert stored == live(client, url), url
        assert stored.count('<article class="card">') >= 1


def test_a_list_mixes_stored_and_live_cards_in_order(client, story, django_assert_num_queries):
    ArticlePage.objects.filter(article=story["neighbour"]).update(card="")  # e.g. rendered before cards existed
    with django_assert_num_queries(3):  # the page with its cards; the card-less article whole, its tags
        html = client.get(reverse("articles:home")).content.decode()
    assert html == live(client, reverse("articles:home"))
    titles = re.findall(r'<h2 class="card-title"><a href="[^"]+">([^<]+)</a>', html)
    assert titles == ["比特幣閃電網路擴容方案上線", "比特幣閃電網路節點創新高"]


@pytest.mark.django_db(transaction=True)
def test_pages_are_rendered_outside_any_transaction(monkeypatch):
    """A render takes milliseconds of template work: it must not hold SQLite's write lock or the article's row
    (share clicks update it) meanwhile."""
    from django.db import connection

    inside = []
    real = prerender.render
    monkeypatch.setattr(prerender, "render", lambda article, related, language: (
        inside.append(connection.in_atomic_block), real(article, related, language))[1])
    services.article_publish(article=ArticleFactory(source=SourceFactory(reprint_permission="public")))
    assert inside == [False, False]
    assert ArticlePage.objects.exclude(html="").count() == 2


def test_a_title_edit_shows_in_the_related_lists_that_hold_it(story, monkeypatch,
                                                             django_capture_on_commit_callbacks):
    article, neighbour = story["article"], story["neighbour"]
    assert RelatedArticle.objects.filter(article=article, related=neighbour).exists()
    rendered = []
    real = prerender.render
    monkeypatch.setattr(prerender, "render", lambda item, related, language: (
        rendered.append(item.pk), real(item, related, language))[1])
    with django_capture_on_commit_callbacks(execute=True):
        neighbour.title = "比特幣閃電網路節點再創新高"
        services.article_save(article=neighbour)
    assert article.pk in rendered  # its new title shows in the article's related list
    assert "比特幣閃電網路節點再創新高" in selectors.article_page_stored(pk=article.pk, language="zh-hant").html
