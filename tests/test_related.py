"""Related articles: a hand-made newsroom whose right answers are known, the refresh after each kind of
change, the editors' pins and exclusions, the page (one query, ranked links) and the command."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import related, selectors, services
from articles.models import Article, RelatedArticle
from articles.text import chinese
from tests.factories import ArticleFactory, SourceFactory, make_image

pytestmark = pytest.mark.django_db

STORY = "https://upstream.example/lightning-1"


def published(**fields):
    return ArticleFactory(published=True, **fields)


@pytest.fixture
def newsroom():
    """Sixteen articles whose right answers are known.

    比特幣 is on twelve of them (common: says little), 閃電網路 on six (rare: says a lot).
    """
    articles = {
        "lightning": published(title="比特幣閃電網路擴容方案上線",
                               summary="閃電網路推出新的擴容方案，交易手續費可望下降。",
                               tags=["比特幣", "閃電網路"], original_url=STORY),
        # The same upstream story retold: never "related" to itself.
        "same_story": published(title="閃電網路擴容方案正式上線", summary="閃電網路推出擴容方案，手續費可望下降。",
                                tags=["比特幣", "閃電網路"], original_url=STORY + "/"),
        "rare_tag": published(title="閃電網路節點數創新高", summary="閃電網路的公開節點數量本週創下新高。",
                              tags=["比特幣", "閃電網路"], original_url="https://upstream.example/nodes"),
        # Written in Simplified, tagged in Simplified: the same tag, and its Traditional text matches.
        "rare_tag_hans": published(title="闪电网络的隐私问题", summary="研究人员指出闪电网络的路由可能泄露隐私。",
                                   language="zh-hans", tags=["闪电网络"]),
        "common_only": published(title="比特幣礦工收入下滑", summary="比特幣礦工的收入在減半後下滑。", tags=["比特幣"]),
        "other_topic": published(title="紅燒牛肉麵的做法", summary="在家也能煮出濃郁的湯頭。", tags=["烹飪"]),
        "draft": ArticleFactory(title="閃電網路擴容草稿", summary="閃電網路推出新的擴容方案。", tags=["閃電網路"]),
        "not_yet": ArticleFactory(title="閃電網路擴容排程", summary="閃電網路推出新的擴容方案。", tags=["閃電網路"],
                                  status=Article.Status.SCHEDULED,
                                  publish_at=timezone.now() + datetime.timedelta(days=1)),
    }
    for i in range(8):
        articles[f"filler{i}"] = published(title=f"市場日報第{i}期", summary="今日行情整理。", tags=["比特幣"])
    return articles


def listed(article) -> list[int]:
    return [a.pk for a in selectors.article_related_list(article=article)]


def computed_ids(article) -> list[int]:
    return list(RelatedArticle.objects.filter(article=article, kind="computed").order_by("position")
                .values_list("related_id", flat=True))


# --- the scoring pieces -----------------------------------------------------------------------------------


def test_terms_are_bigrams_of_the_traditional_text_so_both_scripts_match():
    simplified = "闪电网络的隐私问题"
    assert related.terms(chinese.to_hant(simplified)) == related.terms("閃電網路的隱私問題")
    assert {"閃電", "電網", "網路"} <= related.terms("閃電網路")
    assert {"gpt-4", "openai"} <= related.terms("ＧＰＴ-4 與 OpenAI 的新功能")
    assert related.overlap(related.terms("閃電網路"), related.terms("閃電網路")) == 1
    assert related.overlap(related.terms("閃電網路"), related.terms("牛肉麵")) == 0


def test_a_rare_tag_weighs_more_than_a_common_one_and_time_decays_gently():
    assert related.rarity(5, 100_000) > related.rarity(5_000, 100_000) > related.rarity(50_000, 100_000) > 0
    assert related.rarity(1, 100_000) == 1
    now = timezone.now()
    assert related.recency(now, now) == 1
    year = related.recency(now, now - datetime.timedelta(days=365))
    assert 0.5 < related.recency(now, now - datetime.timedelta(days=3650)) < year < 1


def test_rank_keeps_one_article_per_story_and_never_the_articles_own():
    own = related.Doc(1, frozenset({7}), "閃電網路", "https://up.example/a")
    candidates = [
        related.Doc(2, frozenset({7}), "閃電網路", "https://up.example/a"),  # its own story
        related.Doc(3, frozenset({7}), "閃電網路擴容", "https://up.example/b"),
        related.Doc(4, frozenset({7}), "其他", "https://up.example/b"),  # same story as 3, lower
        related.Doc(5, frozenset({7}), "其他"),
        related.Doc(1, frozenset({7}), "閃電網路"),  # itself
    ]
    ranked = related.rank(own, candidates, {7: 0.5}, min_score=0.1, limit=10)
    assert [s.article_id for s in ranked] == [3, 5]
    assert related.rank(own, candidates, {7: 0.5}, min_score=0.6, limit=10)[0].article_id == 3
    assert len(related.rank(own, candidates, {7: 0.5}, min_score=0.1, limit=1)) == 1


# --- the hand-made newsroom ---------------------------------------------------------------------------------


def test_ranking_rare_tag_first_then_threshold_leaves_out_the_rest(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    lightning = newsroom["lightning"]
    assert listed(lightning) == [newsroom["rare_tag"].pk, newsroom["rare_tag_hans"].pk]
    rows = list(RelatedArticle.objects.filter(article=lightning).order_by("position"))
    assert rows[0].score > rows[1].score >= 0.3
    # Only a common tag, another topic, the same story, unpublished: none of them, better fewer.
    never = ("same_story", "common_only", "other_topic", "draft", "not_yet", *[f"filler{i}" for i in range(8)])
    for name in never:
        assert newsroom[name].pk not in computed_ids(lightning), name
    # The Simplified article finds the Traditional ones, and only one retelling of the same story.
    hans_list = computed_ids(newsroom["rare_tag_hans"])
    assert hans_list[0] == newsroom["rare_tag"].pk
    assert len({lightning.pk, newsroom["same_story"].pk} & set(hans_list)) == 1
    assert computed_ids(newsroom["other_topic"]) == []


def test_a_lower_threshold_lets_the_common_tag_in_after_the_rare_one(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0
    related.refresh_article(newsroom["lightning"].pk)
    ids = computed_ids(newsroom["lightning"])
    assert ids[:2] == [newsroom["rare_tag"].pk, newsroom["rare_tag_hans"].pk]
    assert ids[2] == newsroom["common_only"].pk  # the common tag plus a few words in common
    assert newsroom["same_story"].pk not in ids and newsroom["other_topic"].pk not in ids
    assert len(ids) == related.stored_count()
    assert len(listed(newsroom["lightning"])) == settings.RELATED_ARTICLES_SHOWN

    settings.RELATED_MIN_SCORE = 10
    related.refresh_article(newsroom["lightning"].pk)
    assert computed_ids(newsroom["lightning"]) == []


def test_pins_come_first_in_the_editors_order_and_exclusions_never_show(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0.3
    lightning = newsroom["lightning"]
    RelatedArticle.objects.create(article=lightning, related=newsroom["other_topic"], kind="pinned", position=2)
    RelatedArticle.objects.create(article=lightning, related=newsroom["common_only"], kind="pinned", position=1)
    RelatedArticle.objects.create(article=lightning, related=newsroom["rare_tag"], kind="excluded")
    related.rebuild()
    assert listed(lightning) == [newsroom["common_only"].pk, newsroom["other_topic"].pk, newsroom["rare_tag_hans"].pk]
    assert newsroom["rare_tag"].pk not in computed_ids(lightning)
    # The refresh never touches the editors' rows.
    assert RelatedArticle.objects.filter(article=lightning).exclude(kind="computed").count() == 3


def test_a_pinned_story_keeps_its_retelling_out_of_the_computed_list(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0.3
    lightning = newsroom["lightning"]
    retelling = published(title="閃電網路節點數再創新高", summary="閃電網路節點數量創新高。", tags=["閃電網路"],
                          original_url="https://upstream.example/nodes")
    RelatedArticle.objects.create(article=lightning, related=newsroom["rare_tag"], kind="pinned")
    related.refresh_article(lightning.pk)
    assert retelling.pk not in computed_ids(lightning)
    assert listed(lightning)[0] == newsroom["rare_tag"].pk


def test_unpublishing_removes_an_article_from_every_related_list(newsroom, settings, client,
                                                                  django_capture_on_commit_callbacks):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    gone = newsroom["rare_tag"]
    listers = set(RelatedArticle.objects.filter(related=gone, kind="computed").values_list("article_id", flat=True))
    assert {newsroom["lightning"].pk, newsroom["rare_tag_hans"].pk} <= listers
    RelatedArticle.objects.create(article=newsroom["other_topic"], related=gone, kind="pinned")
    page = newsroom["lightning"].get_absolute_url()
    assert gone.title in client.get(page).content.decode()  # now also in the page cache

    with django_capture_on_commit_callbacks(execute=True):
        services.article_unpublish(article=gone)

    assert not RelatedArticle.objects.filter(related=gone, kind="computed").exists()
    for article in Article.objects.all():
        assert gone.pk not in listed(article)
    html = client.get(page).content.decode()
    assert gone.title not in html and gone.get_absolute_url() not in html
    assert newsroom["rare_tag_hans"].title_hant in html  # the rest of the list stays
    # The editor's pin waits for the article to come back.
    assert RelatedArticle.objects.filter(article=newsroom["other_topic"], related=gone, kind="pinned").exists()


def test_publishing_an_article_puts_it_in_the_lists_it_belongs_to(newsroom, settings,
                                                                  django_capture_on_commit_callbacks):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    fresh = ArticleFactory(title="閃電網路擴容方案的費用分析", summary="閃電網路擴容後手續費的變化。",
                           tags=["閃電網路"], source=SourceFactory(reprint_permission="own"))
    with django_capture_on_commit_callbacks(execute=True):
        services.article_publish(article=fresh)
    # Into the lists of both retellings of the story it is closest to, though it lists only one of them.
    assert fresh.pk in computed_ids(newsroom["lightning"])
    assert fresh.pk in computed_ids(newsroom["same_story"])
    assert len({newsroom["lightning"].pk, newsroom["same_story"].pk} & set(computed_ids(fresh))) == 1


def test_retagging_and_retitling_refresh_the_article_and_the_lists_holding_it(newsroom, settings,
                                                                              django_capture_on_commit_callbacks):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    lightning, common = newsroom["lightning"], newsroom["common_only"]
    assert common.pk not in computed_ids(lightning)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_set_tags(article=common, names=["比特幣", "閃電網路"])
    assert common.pk in computed_ids(lightning)
    assert lightning.pk in computed_ids(common)

    hans = newsroom["rare_tag_hans"]
    before = RelatedArticle.objects.get(article=lightning, related=hans).score
    hans.title, hans.summary = "闪电网络扩容方案上线", "闪电网络推出新的扩容方案，交易手续费可望下降。"
    with django_capture_on_commit_callbacks(execute=True):
        services.article_save(article=hans)
    assert RelatedArticle.objects.get(article=lightning, related=hans).score > before
    assert computed_ids(lightning)[0] == hans.pk


def test_a_retagged_article_falling_below_the_threshold_leaves_the_lists(newsroom, settings,
                                                                         django_capture_on_commit_callbacks):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    hans, lightning = newsroom["rare_tag_hans"], newsroom["lightning"]
    assert hans.pk in computed_ids(lightning)
    with django_capture_on_commit_callbacks(execute=True):
        services.article_set_tags(article=hans, names=["比特幣"])
    assert hans.pk not in computed_ids(lightning)
    assert computed_ids(lightning) == [newsroom["rare_tag"].pk]


def test_an_edit_rescores_every_list_holding_the_article_in_constant_queries(settings):
    settings.RELATED_MIN_SCORE = 0.3
    settings.RELATED_ARTICLES_SHOWN = 1  # every list below is full: nothing needs recomputing
    topics = ["牛肉麵", "颱風", "股市", "棒球", "地震", "選舉", "夜市", "高鐵"]
    queries = []
    for n in (3, 8):
        hub = published(title="閃電網路週報", tags=[f"週報{n}"])
        holders = [published(title=f"閃電網路週報：{topic}", tags=[f"週報{n}"]) for topic in topics[:n]]
        related.rebuild(article_ids=[h.pk for h in holders] + [hub.pk])
        assert all(computed_ids(h)[0] == hub.pk for h in holders)
        before = dict(RelatedArticle.objects.filter(related=hub).values_list("article_id", "score"))
        Article.objects.filter(pk=hub.pk).update(title_hant="閃電網路週報更新")
        cache.clear()  # the same cold start each time
        with CaptureQueriesContext(connection) as context:
            related.refresh_for_articles([hub.pk])
        queries.append(len(context.captured_queries))
        after = dict(RelatedArticle.objects.filter(related=hub).values_list("article_id", "score"))
        assert after.keys() == before.keys() and all(after[k] != before[k] for k in after)
    assert queries[0] == queries[1]


def test_the_page_filters_by_the_publishing_rule_at_read_time(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    lightning = newsroom["lightning"]
    # Unpublished behind the events' back (a raw update): the page still never shows it.
    Article.objects.filter(pk=newsroom["rare_tag"].pk).update(status="draft")
    assert listed(lightning) == [newsroom["rare_tag_hans"].pk]
    # A scheduled article becomes public when its time comes, with no write at all.
    not_yet = newsroom["not_yet"]
    RelatedArticle.objects.create(article=lightning, related=not_yet, kind="pinned")
    assert not_yet.pk not in listed(lightning)
    Article.objects.filter(pk=not_yet.pk).update(publish_at=timezone.now() - datetime.timedelta(minutes=1))
    assert listed(lightning)[0] == not_yet.pk


# --- the page ------------------------------------------------------------------------------------------------


def test_the_page_lists_related_articles_in_ranked_order_in_the_readers_script(newsroom, settings, client):
    settings.RELATED_MIN_SCORE = 0.3
    rare = newsroom["rare_tag"]
    rare.featured_image = make_image(alt_text="節點地圖")
    rare.save()
    related.rebuild()
    html = client.get(newsroom["lightning"].get_absolute_url()).content.decode()
    section = html[html.index("data-related"):html.index("</section>", html.index("data-related"))]
    links = [rare.get_absolute_url(), newsroom["rare_tag_hans"].get_absolute_url()]
    assert section.index(f'href="{links[0]}"') < section.index(f'href="{links[1]}"')
    assert section.count("<a ") == 2  # one link per article: tools read them in order
    assert "閃電網路的隱私問題" in section  # the Simplified article in Traditional
    assert rare.featured_image.file.url in section and 'loading="lazy"' in section
    assert f'<time datetime="{timezone.localtime(rare.publish_at).isoformat()}">' in section

    hans_html = client.get("/zh-hans" + newsroom["lightning"].get_absolute_url()).content.decode()
    hans_section = hans_html[hans_html.index("data-related"):]
    assert "闪电网络节点数创新高" in hans_section


def test_no_related_section_when_nothing_qualifies(newsroom, client):
    html = client.get(newsroom["other_topic"].get_absolute_url()).content.decode()
    assert "data-related" not in html


def test_related_list_costs_one_query_however_many_rows(newsroom, settings, client, django_assert_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    settings.RELATED_MIN_SCORE = 0
    lightning = newsroom["lightning"]
    lightning.featured_image = make_image(colour=(1, 2, 3))
    lightning.save()
    url = lightning.get_absolute_url()
    # Rendered live (no stored page yet): the stored-page lookup, the article with sources and image, its tags,
    # the image's renditions, its related articles
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200
    for i, name in enumerate(["rare_tag", "rare_tag_hans", "common_only", "filler0", "filler1"]):
        article = newsroom[name]
        article.featured_image = make_image(colour=(10 + i, 2, 3))
        article.source = SourceFactory()
        article.save()
    related.rebuild()
    RelatedArticle.objects.create(article=lightning, related=newsroom["other_topic"], kind="pinned")
    assert len(listed(lightning)) == settings.RELATED_ARTICLES_SHOWN
    with django_assert_num_queries(5):
        assert client.get(url).status_code == 200


def test_readers_never_trigger_the_scoring(newsroom, client, monkeypatch, settings):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()

    def refuse(*args, **kwargs):
        raise AssertionError("scoring on a reader's request")

    for module in (related.reading, related.storing, related.refresh):
        for name in ("compute_many", "rank"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, refuse)
    response = client.get(newsroom["lightning"].get_absolute_url())
    assert response.status_code == 200 and "data-related" in response.content.decode()


# --- bounded work -------------------------------------------------------------------------------------------


def test_candidates_come_from_the_tag_index_within_a_budget(newsroom, settings, monkeypatch,
                                                             django_assert_max_num_queries):
    settings.RELATED_MIN_SCORE = 0
    seen = []
    real_rank = related.rank

    def spy(article, candidates, *args, **kwargs):
        candidates = list(candidates)
        seen.append(len(candidates))
        return real_rank(article, candidates, *args, **kwargs)

    monkeypatch.setattr(related.reading, "rank", spy)
    monkeypatch.setattr(related.reading, "PER_TAG", 3)
    monkeypatch.setattr(related.reading, "MAX_CANDIDATES", 4)
    with django_assert_max_num_queries(17):  # about eleven, plus one per tag searched: never one per article
        related.refresh_article(newsroom["lightning"].pk)
    assert seen and max(seen) <= 4
    # The rarest tag is searched first, newest first: its latest public article is among the few candidates.
    assert computed_ids(newsroom["lightning"])[0] == newsroom["rare_tag_hans"].pk


def test_refreshing_a_missing_or_untagged_article_is_harmless(newsroom):
    assert related.refresh_article(987654) == []
    untagged = published(title="沒有標籤")
    assert related.refresh_article(untagged.pk) == []
    related.refresh_for_articles([987654])


# --- the command ---------------------------------------------------------------------------------------------


def test_rebuild_related_command(newsroom, settings):
    settings.RELATED_MIN_SCORE = 0.3
    out = io.StringIO()
    call_command("rebuild_related", "--dry-run", stdout=out)
    assert "would store" in out.getvalue()
    assert not RelatedArticle.objects.exists()

    out = io.StringIO()
    call_command("rebuild_related", stdout=out)
    assert f"rebuilt {Article.objects.count()} articles" in out.getvalue()
    assert f"{Article.objects.count()}/{Article.objects.count()}" in out.getvalue()  # progress
    assert computed_ids(newsroom["lightning"])[:2] == [newsroom["rare_tag"].pk, newsroom["rare_tag_hans"].pk]

    RelatedArticle.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_related", "--article", str(newsroom["lightning"].pk), stdout=out)
    assert "rebuilt 1 articles" in out.getvalue()
    assert set(RelatedArticle.objects.values_list("article_id", flat=True)) == {newsroom["lightning"].pk}
    with pytest.raises(CommandError):
        call_command("rebuild_related", "--article", "987654", stdout=io.StringIO())


# --- the editors' admin ------------------------------------------------------------------------------------------


def _change_form(article, **extra):
    local = timezone.localtime(article.publish_at)
    data = {
        "title": article.title, "slug": article.slug, "summary": article.summary, "body": article.body,
        "language": article.language, "author": article.author, "tags": "比特幣, 閃電網路", "featured_image": "",
        "source": article.source_id, "original_source": "", "original_url": article.original_url,
        "copyright_notice": "", "guid": "", "status": article.status,
        "publish_at_0": local.strftime("%Y-%m-%d"), "publish_at_1": local.strftime("%H:%M:%S"),
        "related_rows-TOTAL_FORMS": "0", "related_rows-INITIAL_FORMS": "0",
        "related_rows-MIN_NUM_FORMS": "0", "related_rows-MAX_NUM_FORMS": "1000",
        "base_version": Article.objects.values_list("version", flat=True).get(pk=article.pk),
    }
    data.update(extra)
    return data


def test_the_admin_shows_the_computed_list_with_scores(newsroom, settings, editor_client, writer_client):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    url = reverse("admin:articles_article_change", args=[newsroom["lightning"].pk])
    html = editor_client.get(url).content.decode()
    block = html[html.index("data-related-computed"):]
    assert block.index(newsroom["rare_tag"].title) < block.index("闪电网络的隐私问题")
    score = RelatedArticle.objects.get(article=newsroom["lightning"], related=newsroom["rare_tag"]).score
    assert f"（{score:.2f}）" in block
    assert "related_rows-TOTAL_FORMS" in html  # the pin / exclude inline
    draft = newsroom["draft"]
    assert writer_client.get(reverse("admin:articles_article_change", args=[draft.pk])).status_code == 200


def test_editors_pin_and_exclude_in_the_article_form(newsroom, settings, editor_client,
                                                     django_capture_on_commit_callbacks):
    settings.RELATED_MIN_SCORE = 0.3
    related.rebuild()
    lightning = newsroom["lightning"]
    url = reverse("admin:articles_article_change", args=[lightning.pk])
    data = _change_form(lightning, **{
        "related_rows-TOTAL_FORMS": "3",
        # Pinning an article the computed list holds already: that row becomes the pin.
        "related_rows-0-related": newsroom["rare_tag_hans"].pk, "related_rows-0-kind": "pinned",
        "related_rows-0-position": "0",
        "related_rows-1-related": newsroom["other_topic"].pk, "related_rows-1-kind": "pinned",
        "related_rows-1-position": "1",
        "related_rows-2-related": newsroom["rare_tag"].pk, "related_rows-2-kind": "excluded",
        "related_rows-2-position": "0",
    })
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert listed(lightning) == [newsroom["rare_tag_hans"].pk, newsroom["other_topic"].pk]
    assert RelatedArticle.objects.get(article=lightning, related=newsroom["rare_tag_hans"]).kind == "pinned"
    assert newsroom["rare_tag"].pk not in computed_ids(lightning)

    response = editor_client.post(url, _change_form(lightning, **{
        "related_rows-TOTAL_FORMS": "1", "related_rows-0-related": lightning.pk, "related_rows-0-kind": "pinned",
        "related_rows-0-position": "0",
    }))
    assert response.status_code == 200
    assert "不能把文章本身列為相關文章" in response.content.decode()
