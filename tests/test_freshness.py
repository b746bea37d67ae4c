"""Freshness by construction: stored pages keyed by the article's page_version, page-cache entries checked against
per-dependency stamps, events batched per transaction, and shared state that every local process sees."""

import multiprocessing
import time

import pytest
from django.core.cache import cache
from django.db import transaction

from articles import events, selectors, services
from articles import pages as stored_pages
from articles.caching import pagecache
from articles.models import Article, ArticlePage, Tag
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        article = services.article_publish(article=ArticleFactory(
            title="舊標題", source=SourceFactory(name="甲來源", reprint_permission="public"), tags=["區塊鏈"]))
    return article


def test_events_are_sent_once_per_transaction_after_commit_and_never_on_rollback(django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, change, **kwargs):
        received.append(change)

    events.committed.connect(receiver, dispatch_uid="test-receiver")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                events.record(articles=[1])
                events.record(articles=[2], tags=[5])
                assert received == []  # not before the commit
        assert received == [events.Changed(articles=frozenset({1, 2}), tags=frozenset({5}))]
        received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            with pytest.raises(RuntimeError), transaction.atomic():
                events.record(articles=[3])
                raise RuntimeError
        assert received == []
    finally:
        events.committed.disconnect(dispatch_uid="test-receiver")


def test_a_transaction_of_many_parts_is_one_batch_without_the_parts_that_rolled_back(
        django_capture_on_commit_callbacks):
    """events.atomic() / events.part(), as an import's chunk uses them: one in_transaction at the end of the block,
    one committed after the commit, and nothing of a part that rolled back."""
    received, outdated = [], []

    def on_commit(sender, change, **kwargs):
        received.append(change)

    def inside(sender, change, **kwargs):
        outdated.append(change)

    events.committed.connect(on_commit, dispatch_uid="test-parts-committed")
    events.in_transaction.connect(inside, dispatch_uid="test-parts-inside")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            with events.atomic():
                with events.part():
                    events.record(articles=[1])
                with pytest.raises(RuntimeError), events.part():
                    events.record(articles=[2], tags=[7])
                    raise RuntimeError
                with events.part():
                    events.record(articles=[3])
                assert outdated == []  # not per part: once, as the block ends
            assert outdated == [events.Changed(articles=frozenset({1, 3}))]
            assert received == []  # not before the commit
        assert received == [events.Changed(articles=frozenset({1, 3}))]
        with pytest.raises(transaction.TransactionManagementError), transaction.atomic(), events.part():
            pass  # a part belongs to an events.atomic() block
    finally:
        events.committed.disconnect(dispatch_uid="test-parts-committed")
        events.in_transaction.disconnect(dispatch_uid="test-parts-inside")


@pytest.mark.parametrize("change", ["edit", "tag", "source", "image", "related"])
def test_a_stored_page_is_dead_the_moment_the_write_commits(published, change, django_capture_on_commit_callbacks):
    """Before any after-commit work runs (no render, no cache drop), the stored page is no longer served."""
    assert stored_pages.render_articles([published.pk]) == 1
    assert selectors.article_page_stored(pk=published.pk, language="zh-hant") is not None
    with django_capture_on_commit_callbacks(execute=False):  # the write commits; nothing after it runs
        if change == "edit":
            published.title = "新標題"
            services.article_save(article=published)
        elif change == "tag":
            tag = Tag.objects.get(name="區塊鏈")
            tag.name = "區塊鏈技術"
            services.tag_save(tag=tag)
        elif change == "source":
            source = published.source
            source.name = "乙來源"
            services.source_save(source=source)
        elif change == "image":
            image = make_image(credit="舊署名")
            Article.objects.filter(pk=published.pk).update(featured_image=image)
            stored_pages.render_articles([published.pk])
            image.credit = "由無界AI 生成"
            services.image_update_details(image=image)
        else:
            other = ArticleFactory(published=True, title="另一篇")
            with transaction.atomic():
                published.related_rows.create(related=other, kind="pinned")
                events.record(related=[published.pk])
    assert selectors.article_page_stored(pk=published.pk, language="zh-hant") is None
    assert selectors.article_page_stored(pk=published.pk, language="zh-hans") is None


def test_a_render_of_older_data_is_never_stored_over_a_newer_one(published):
    old_version = selectors.article_page_version(pk=published.pk)
    Article.objects.filter(pk=published.pk).update(page_version=old_version + 1)
    assert stored_pages.render_article(published.pk)  # the newer render lands first
    pages = {"zh-hant": ("舊頁", "舊卡"), "zh-hans": ("旧页", "旧卡")}
    assert not stored_pages._store(published.pk, old_version, pages)  # the slow, older one is refused
    assert "舊頁" not in ArticlePage.objects.get(article=published, language="zh-hant").html


def test_outdated_pages_are_rendered_by_one_background_run_however_many(django_capture_on_commit_callbacks):
    source = SourceFactory(name="大來源", reprint_permission="public")
    articles = [ArticleFactory(published=True, source=source, title=f"第{i}篇") for i in range(7)]
    stored_pages.render_articles([a.pk for a in articles])
    with django_capture_on_commit_callbacks(execute=False):
        source.name = "更名來源"
        services.source_save(source=source)
    assert len(selectors.article_ids_to_render()) == 7
    monkey_batch = stored_pages.RENDER_BATCH
    stored_pages.RENDER_BATCH = 3  # several rounds, nothing dropped
    try:
        assert stored_pages.render_outdated() == 7
    finally:
        stored_pages.RENDER_BATCH = monkey_batch
    assert selectors.article_ids_to_render() == []
    assert "更名來源" in selectors.article_page_stored(pk=articles[0].pk, language="zh-hant").html


# --- the page cache ---------------------------------------------------------------------------------------


def _warm(client, url):
    """A page is stored on the first request after its stamps exist (a first sight creates them): hit by the third."""
    for _ in range(3):
        response = client.get(url)
        time.sleep(0.01)
    assert response["X-Page-Cache"] == "hit", url
    return response


def test_a_missing_stamp_is_a_miss_never_a_hit(client, published):
    url = published.get_absolute_url()
    _warm(client, url)
    cache.delete(pagecache.DEP_PREFIX + f"article:{published.pk}")  # evicted
    assert client.get(url)["X-Page-Cache"] == "miss"
    _warm(client, "/")
    cache.delete(pagecache.DEP_PREFIX + "list:all")
    assert client.get("/")["X-Page-Cache"] == "miss"
    _warm(client, url)
    cache.clear()  # flushed
    assert client.get(url)["X-Page-Cache"] == "miss"


@pytest.mark.parametrize("change", ["tag", "source", "picture", "picture's source", "related article",
                                    "related article's source"])
def test_a_change_to_what_an_article_page_shows_stamps_that_page(client, published, change,
                                                                   django_capture_on_commit_callbacks):
    """An article page depends on one stamp; every change that outdates its stored page writes it."""
    with django_capture_on_commit_callbacks(execute=True):  # every write of the setup sent before the change
        picture_source = SourceFactory(name="圖庫", reprint_permission="public")
        image = make_image(credit="舊署名", source=picture_source)
        neighbour = ArticleFactory(published=True, title="相關文章",
                                   source=SourceFactory(name="乙來源", reprint_permission="public"))
        Article.objects.filter(pk=published.pk).update(featured_image=image)
        published.related_rows.create(related=neighbour, kind="pinned")
        events.record(articles=[published.pk], related=[published.pk])
    url = published.get_absolute_url()
    _warm(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        if change == "tag":
            tag = Tag.objects.get(name="區塊鏈")
            tag.name = "區塊鏈技術"
            services.tag_save(tag=tag)
        elif change == "source":
            source = published.source
            source.name = "改名來源"
            services.source_save(source=source)
        elif change == "picture":
            image.credit = "由無界AI 生成"
            services.image_update_details(image=image)
        elif change == "picture's source":
            picture_source.name = "改名圖庫"
            services.source_save(source=picture_source)
        elif change == "related article":
            neighbour.title = "相關文章改了標題"
            services.article_save(article=neighbour)
        else:
            source = neighbour.source
            source.name = "乙來源改名"
            services.source_save(source=source)
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_page_started_before_a_change_is_never_served_after_it(client, published):
    """A reader who read the old data, then stored its page after the change's stamps were written."""
    url = published.get_absolute_url()
    _warm(client, url)
    started = time.time_ns()
    time.sleep(0.1)
    pagecache.invalidate([f"article:{published.pk}"])
    entry = {"content": b"old", "headers": [], "etag": '"x"', "last_modified": 0,
             "deps": [f"article:{published.pk}"], "started": started}
    stamps = cache.get_many([pagecache.DEP_PREFIX + dep for dep in entry["deps"]])
    assert not pagecache.PageCacheMiddleware._fresh(entry, stamps)


def test_a_hit_asks_for_the_entry_and_its_stamps_in_one_round_trip_and_still_judges_them(client, published,
                                                                                          monkeypatch):
    url = published.get_absolute_url()
    _warm(client, url)
    calls, inside = [], []

    def counted(name, real):
        def call(*args, **kwargs):
            if not inside:  # the requests the page cache makes, not the backend's own calls inside one
                calls.append(name)
            inside.append(name)
            try:
                return real(*args, **kwargs)
            finally:
                inside.pop()
        return call

    for name in ("get", "get_many", "get_many_ints"):
        monkeypatch.setattr(cache, name, counted(name, getattr(cache, name)))
    assert client.get(url)["X-Page-Cache"] == "hit"
    # One request to the cache (Redis: one MGET; the file cache reads its files one by one inside it): the stamp of
    # the copy this worker kept, or, without a copy, the entry with the stamps its hint names.
    assert calls == ["get_many_ints"]
    calls.clear()
    pagecache._copies.clear()
    assert client.get(url)["X-Page-Cache"] == "hit"
    assert calls == ["get_many"]
    calls.clear()
    pagecache.invalidate([f"article:{published.pk}"])  # the hint names it: the same round trip sees it
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_a_wrong_hint_never_decides(client, published):
    url = published.get_absolute_url()
    _warm(client, url)
    pagecache._copies.clear()  # no copy here: the shared entry is read, with the hint beside it
    for key in list(pagecache._deps_hint):
        pagecache._deps_hint[key] = ("list:all",)  # as if the page had shown something else when last seen
    pagecache.invalidate([f"article:{published.pk}"])
    assert client.get(url)["X-Page-Cache"] == "miss"


def test_query_parameters_no_page_reads_share_one_entry(client, published):
    _warm(client, "/")
    assert client.get("/?utm_source=x&fbclid=y")["X-Page-Cache"] == "hit"
    assert client.get("/?page=2")["X-Page-Cache"] == "miss"


def test_an_invalidation_retries_until_the_cache_answers(monkeypatch, settings):
    settings.PAGE_CACHE_INVALIDATION_DEADLINE = 5
    calls = []
    real = cache.set_many

    def flaky(data, timeout=None):
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("cache stalled")
        return real(data, timeout=timeout)

    monkeypatch.setattr(cache, "set_many", flaky)
    pagecache.invalidate(["article:1"])
    assert len(calls) == 3 and cache.get(pagecache.DEP_PREFIX + "article:1") is not None


# --- state every local process shares (the default configuration, no Redis) ------------------------------


def _hit_limit(n):
    from newsroom import ratelimit

    return sum(ratelimit.allow("share:test", limit=20, window=600) for _ in range(n))


def test_several_processes_share_one_rate_limit():
    """Four worker processes, 40 clicks, a limit of 20: exactly 20 admitted (Redis or the shared file cache)."""
    cache.clear()
    with multiprocessing.get_context("fork").Pool(4) as pool:
        admitted = sum(pool.map(_hit_limit, [10, 10, 10, 10]))
    assert admitted == 20


def _stamp_in_child(dep):
    from django.db import connections

    connections.close_all()
    pagecache.invalidate([dep])


def test_a_stamp_written_by_another_process_is_seen_here():
    process = multiprocessing.get_context("fork").Process(target=_stamp_in_child, args=("tag:99",))
    process.start()
    process.join(10)
    assert cache.get(pagecache.DEP_PREFIX + "tag:99") is not None
