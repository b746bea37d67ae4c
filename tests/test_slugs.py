"""Slugs are Traditional (one slug for both sites); old addresses answer 301 to the new ones (issue 16, step 7)."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse

from articles import services
from articles.models import Article, FormerSourceSlug, FormerTagSlug, Source, Tag
from articles.models.slugs import traditional_slug
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("articles.migrations.0023_traditional_slugs_and_variants")


def test_slugs_are_made_from_the_traditional_title_and_name():
    article = ArticleFactory(language="zh-hans", title="比特币 ETF 获批，信息安全受关注")
    assert article.slug == traditional_slug(article.title_hant) and "币" not in article.slug
    assert Source.objects.create(name="区块链日报").slug == "區塊鏈日報"
    article.tags.add("人工智能")
    assert article.tags.get().slug == "人工智慧"


def test_traditional_text_keeps_its_own_spelling_in_the_slug():
    assert ArticleFactory(language="zh-hant", title="台灣的軟體業").slug == "台灣的軟體業"  # not 臺灣
    assert Source.objects.create(name="台灣日報").slug == "台灣日報"


def test_a_slug_typed_in_simplified_is_converted_and_a_stored_one_never_again():
    article = ArticleFactory(language="zh-hans", title="标题", slug="区块链-新闻")
    assert article.slug == "區塊鏈-新聞"
    # Stored slugs are not converted again on a later save, even when they are not what conversion would make
    # today (an older converter, a glossary change): the address does not move by itself.
    Article.objects.filter(pk=article.pk).update(slug="信息")
    article = Article.objects.get(pk=article.pk)
    article.summary = "新的摘要"
    services.article_save(article=article)
    assert Article.objects.get(pk=article.pk).slug == "信息"


def test_an_articles_other_slugs_answer_301_to_the_traditional_one(client):
    article = services.article_publish(article=ArticleFactory(language="zh-hans", title="区块链新闻"))
    assert article.slug == "區塊鏈新聞"
    canonical = article.get_absolute_url()
    for old in ("区块链新闻", "anything"):
        response = client.get(reverse("articles:detail", kwargs={"pk": article.pk, "slug": old}))
        assert response.status_code == 301 and response["Location"] == canonical
    response = client.get(reverse("articles:detail_short", kwargs={"pk": article.pk}))
    assert response.status_code == 301 and response["Location"] == canonical
    assert client.get(canonical).status_code == 200
    assert client.get("/zh-hans" + canonical).status_code == 200  # one slug for both sites


def test_a_source_slug_changed_by_an_editor_keeps_answering_301(client):
    source = SourceFactory(name="八比特", slug="8btc-old", reprint_permission="public")
    services.article_publish(article=ArticleFactory(source=source))
    source = Source.objects.get(pk=source.pk)
    source.slug = "八比特"
    services.source_save(source=source)
    assert FormerSourceSlug.objects.get().slug == "8btc-old"
    for old, new in (("articles:source", "articles:source"), ("articles:source_feed", "articles:source_feed"),
                     ("articles:source_feed_atom", "articles:source_feed_atom")):
        response = client.get(reverse(old, kwargs={"slug": "8btc-old"}))
        assert response.status_code == 301, old
        assert response["Location"] == reverse(new, kwargs={"slug": "八比特"})
    assert client.get(reverse("articles:source", kwargs={"slug": "八比特"})).status_code == 200
    zh_hans = client.get("/zh-hans/sources/8btc-old/")
    assert zh_hans.status_code == 301 and zh_hans["Location"] == "/zh-hans/sources/%E5%85%AB%E6%AF%94%E7%89%B9/"
    # Going back to the old slug makes it live again, and the way back is remembered.
    source = Source.objects.get(pk=source.pk)
    source.slug = "8btc-old"
    services.source_save(source=source)
    assert list(FormerSourceSlug.objects.values_list("slug", flat=True)) == ["八比特"]
    assert client.get(reverse("articles:source", kwargs={"slug": "8btc-old"})).status_code == 200
    assert client.get(reverse("articles:source", kwargs={"slug": "八比特"})).status_code == 301


def test_a_slug_typed_in_simplified_finds_its_tag_or_source(client):
    source = SourceFactory(name="區塊鏈日報", reprint_permission="public")
    services.article_publish(article=ArticleFactory(source=source, tags=["比特幣"]))
    response = client.get("/sources/区块链日报/")
    assert response.status_code == 301 and response["Location"] == source.get_absolute_url()
    response = client.get("/tags/比特币/")
    assert response.status_code == 301 and response["Location"] == Tag.objects.get().get_absolute_url()
    response = client.get("/tags/比特币/feed/")
    assert response.status_code == 301 and response["Location"] == reverse("articles:tag_feed", args=["比特幣"])
    assert client.get("/tags/不存在/").status_code == 404
    assert client.get("/sources/不存在/").status_code == 404
    assert client.get("/tags/不存在/feed/").status_code == 404


def test_a_tag_slug_changed_in_the_admin_is_traditional_and_the_old_one_answers_301(client):
    article = services.article_publish(article=ArticleFactory(tags=["人工智慧"]))
    tag = Tag.objects.get()
    tag.slug = "ai-智能-机器"
    services.tag_save(tag=tag)
    tag.refresh_from_db()
    assert tag.slug == "ai-智慧-機器"  # typed in Simplified (机): converted as Simplified text is
    assert FormerTagSlug.objects.get().slug == "人工智慧"
    response = client.get("/tags/人工智慧/")
    assert response.status_code == 301 and response["Location"] == tag.get_absolute_url()
    assert f'href="{tag.get_absolute_url()}"' in client.get(article.get_absolute_url()).content.decode()


def test_a_converted_slug_that_is_taken_gets_a_number():
    first = Source.objects.create(name="區塊鏈日報")
    second = Source.objects.create(name="区块链日报")
    assert (first.slug, second.slug) == ("區塊鏈日報", "區塊鏈日報-2")


# --- the migration ---------------------------------------------------------------------------------------------


def _simplified_site():
    """Rows as the site had them before slugs were Traditional (slugs written straight to the database)."""
    source = SourceFactory(name="少数派", reprint_permission="public")
    article = ArticleFactory(language="zh-hans", title="信息安全", author="编译／李思远", source=source,
                             tags=["比特币"])
    Source.objects.filter(pk=source.pk).update(slug="少数派")
    Tag.objects.update(slug="比特币")
    Article.objects.filter(pk=article.pk).update(slug="信息安全", author_hant="", author_hans="")
    return source, article


def test_the_migration_converts_old_slugs_keeps_them_answering_and_is_idempotent(client):
    source, article = _simplified_site()
    services.article_publish(article=Article.objects.get(pk=article.pk))
    migration.forwards(django_apps, None)
    state = (list(Source.objects.values_list("slug", flat=True)), list(Tag.objects.values_list("slug", flat=True)),
             list(Article.objects.values_list("slug", "author_hant", "author_hans")),
             sorted(FormerSourceSlug.objects.values_list("slug", "source_id")),
             sorted(FormerTagSlug.objects.values_list("slug", "tag_id")))
    assert state[0] == ["少數派"] and state[1] == ["比特幣"]
    assert state[2] == [("資訊安全", "編譯／李思遠", "编译／李思远")]
    assert state[3] == [("少数派", source.pk)] and [slug for slug, _ in state[4]] == ["比特币"]
    migration.forwards(django_apps, None)  # a second run changes nothing
    assert state == (list(Source.objects.values_list("slug", flat=True)),
                     list(Tag.objects.values_list("slug", flat=True)),
                     list(Article.objects.values_list("slug", "author_hant", "author_hans")),
                     sorted(FormerSourceSlug.objects.values_list("slug", "source_id")),
                     sorted(FormerTagSlug.objects.values_list("slug", "tag_id")))
    for old, new in (("/sources/少数派/", "/sources/%E5%B0%91%E6%95%B8%E6%B4%BE/"),
                     ("/tags/比特币/", "/tags/%E6%AF%94%E7%89%B9%E5%B9%A3/")):
        response = client.get(old)
        assert response.status_code == 301 and response["Location"] == new, old
    old_article = reverse("articles:detail", kwargs={"pk": article.pk, "slug": "信息安全"})
    response = client.get(old_article)
    assert response.status_code == 301 and response["Location"].endswith("/%E8%B3%87%E8%A8%8A%E5%AE%89%E5%85%A8/")


def test_the_migration_gives_a_converted_slug_that_is_taken_a_number():
    SourceFactory(name="區塊鏈日報")
    other = SourceFactory(name="区块链日报 (旧)")
    Source.objects.filter(pk=other.pk).update(slug="区块链日报")
    migration.forwards(django_apps, None)
    assert Source.objects.get(pk=other.pk).slug == "區塊鏈日報-2"
    assert FormerSourceSlug.objects.get().slug == "区块链日报"
