"""Reads for the public pages, in a constant number of queries each."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db import connection
from django.db.models import Exists, F, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from articles import search
from articles.caching.build import build as current_build
from articles.models import (
    Article,
    ArticlePage,
    RelatedArticle,
    Source,
    Tag,
    TaggedArticle,
)
from articles.selectors.pagination import Page, paginate
from articles.text import chinese


def _with_tags(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag").order_by("tag__name")),
        # The featured images' renditions for <picture>/srcset and og:image: one query for the whole page.
        "featured_image__renditions",
    )


def article_list_published() -> QuerySet[Article]:
    """Latest published articles for the home page."""
    return _with_tags(Article.objects.published().for_list())


# Above this many articles a tag is common enough that walking the newest public articles and
# keeping those with the tag finds a page sooner than sorting every article the tag has.
COMMON_TAG_ARTICLES = 1000


def article_list_for_tag(*, tag: Tag) -> QuerySet[Article]:
    """Published articles carrying ``tag``, newest first, with a plan that stays fast for rare and common tags."""
    tagged = TaggedArticle.objects.filter(tag=tag)
    if tagged[:COMMON_TAG_ARTICLES + 1].count() > COMMON_TAG_ARTICLES:
        carries_tag = Exists(tagged.filter(content_object=OuterRef("pk")))
        return _with_tags(Article.objects.published().filter(carries_tag).for_list())
    return _with_tags(Article.objects.published().filter(tagged_items__tag=tag).for_list())


def article_list_for_source(*, source: Source) -> QuerySet[Article]:
    """Published articles compiled from ``source``, newest first."""
    return _with_tags(Article.objects.published().filter(source=source).for_list())


def _for_page(articles: QuerySet) -> QuerySet:
    return _with_tags(articles).select_related("source", "original_source", "featured_image",
                                               "featured_image__source")


# Tag and source pages say how many articles they hold, counting up to this many ("1000 篇以上" beyond).
LIST_COUNT_CAP = 1000


class _CountOf(Subquery):
    """``(SELECT COUNT(*) FROM (<queryset>))``. It refers to nothing outside itself, so the database computes it once
    for the whole page query (SQLite reuses an uncorrelated scalar subquery; PostgreSQL makes it an InitPlan)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"


def article_cards_page(*, articles: QuerySet[Article], page: str | None, language: str,
                       count: bool = False) -> Page:
    """A page of a public list (``articles``: one of the ``article_list_*`` querysets), each article with its stored
    card (``articles.pages``) in ``stored_card``: one query when every card is stored. Articles without one
    (not rendered yet, or by an older build) are fetched whole, with their tags and pictures, to render live.
    ``count``: the page's ``total`` is the list's size (up to ``LIST_COUNT_CAP``), counted inside that same query."""
    card = ArticlePage.objects.filter(article=OuterRef("pk"), language=language, build=current_build(),
                                      version=OuterRef("page_version"))
    light = (articles.prefetch_related(None).select_related(None).defer("body", "body_hant", "body_hans")
             .annotate(stored_card=Subquery(card.values("card")[:1])))
    if count:
        every = articles.prefetch_related(None).select_related(None).order_by().values("pk")[:LIST_COUNT_CAP + 1]
        light = light.annotate(list_total=_CountOf(every, output_field=IntegerField()))
    result = paginate(light, page)
    if count:
        # An empty page past the end knows nothing of the list's size; an empty first page means none.
        total = result.object_list[0].list_total if result.object_list else (0 if result.number == 1 else None)
        if total is not None:
            result.total, result.total_more = min(total, LIST_COUNT_CAP), total > LIST_COUNT_CAP
    missing = [article.pk for article in result.object_list if not article.stored_card]
    if missing:
        whole = articles.filter(pk__in=missing).in_bulk()
        result.object_list = [whole.get(article.pk, article) if not article.stored_card else article
                              for article in result.object_list]
    return result


def article_get_public(*, pk: int) -> Article | None:
    """One published article with everything its page shows, or None."""
    return _for_page(Article.objects.published()).filter(pk=pk).first()


def article_get_listed(*, pk: int) -> Article | None:
    """A published or scheduled article with everything its page shows (its page is rendered ahead of time)."""
    return _for_page(Article.objects.listed()).filter(pk=pk).first()


def _stored_page_queryset(*, pk: int, language: str, build: str, now: datetime.datetime,
                          today: datetime.date | None = None) -> QuerySet:
    # Only a page rendered from the article's current page_version, by this build (articles.pages).
    return (Article.objects.published(now=now, today=today)
            .filter(pk=pk, pages__language=language, pages__build=build, pages__version=F("page_version"))
            .order_by().values_list("slug", "share_total", "pages__html")[:1])


_PROBE = {"pk": -7_294_561, "language": "probe-language", "build": "probe-build",
          "now": datetime.datetime(1970, 1, 2, 3, 4, 5, 678_901, tzinfo=datetime.UTC),
          "today": datetime.date(1970, 1, 9)}


def _adapt(name: str, value):
    if name == "now":
        return connection.ops.adapt_datetimefield_value(value)
    if name == "today":
        return connection.ops.adapt_datefield_value(value)
    return value


@functools.cache
def _stored_page_sql(vendor: str) -> tuple[str, tuple[tuple[str, object], ...]]:
    """The SQL of ``_stored_page_queryset``, compiled once, and what goes in each parameter's place: a probe's
    name (``("value", name)``: the request's value) or a constant of the rule (``("constant", value)``, e.g. a
    permission kind).

    Compiling the query costs a cold article page more than running it (about 270 µs of a ~1 ms request), and it
    is the same query for every article: only the values change. It is compiled from the ORM queryset with probe
    values, so the publishing rule stays ``ArticleQuerySet.published()``'s."""
    sql, params = _stored_page_queryset(**_PROBE).query.sql_with_params()
    adapted = {name: _adapt(name, value) for name, value in _PROBE.items()}
    places: list[tuple[str, object]] = []
    for param in params:
        matches = [name for name, value in adapted.items()
                   if type(param) in (type(value), type(_PROBE[name])) and param in (value, _PROBE[name])]
        if len(matches) > 1:
            raise RuntimeError(f"stored page query: cannot place parameter {param!r}")
        places.append(("value", matches[0]) if matches else ("constant", param))
    if {name for kind, name in places if kind == "value"} != set(_PROBE):
        raise RuntimeError("stored page query: a probe value is missing from the compiled query")
    return sql, tuple(places)


def article_page_stored(*, pk: int, language: str) -> StoredPage | None:
    """The stored page of a published article in ``language``, if it was rendered by this build."""
    if not 0 < pk < 2**63:  # beyond any database integer: no such article (and SQLite would refuse the value)
        return None
    sql, places = _stored_page_sql(connection.vendor)
    now = timezone.now()
    values = {"pk": pk, "language": language, "build": current_build(),
              "now": _adapt("now", now), "today": _adapt("today", timezone.localdate(now))}
    with connection.cursor() as cursor:
        cursor.execute(sql, [values[what] if kind == "value" else what for kind, what in places])
        row = cursor.fetchone()
    return StoredPage(*row) if row else None


def article_page_version(*, pk: int) -> int | None:
    """The ``page_version`` of a listed (published or scheduled) article, or None when it is not listed."""
    return Article.objects.listed().filter(pk=pk).values_list("page_version", flat=True).first()


def article_ids_to_render(*, stale_only: bool = True, only: Iterable[int] | None = None,
                          newest: int | None = None, batch: int | None = None) -> list[int]:
    """Listed articles whose stored pages are missing, outdated or from another build (``stale_only``), newest
    first; at most ``batch`` of them."""
    articles = Article.objects.listed().order_by("-listed_at", "-pk")
    if only:
        articles = articles.filter(pk__in=list(only))
    if newest:  # of the newest N, those that need it (not the newest N that need it, further and further back)
        articles = articles.filter(pk__in=list(articles.values_list("pk", flat=True)[:newest]))
    if stale_only:
        current = ArticlePage.objects.filter(article=OuterRef("pk"), build=current_build(),
                                             version=OuterRef("page_version"))
        articles = articles.filter(~Exists(current.filter(language=chinese.HANT))
                                   | ~Exists(current.filter(language=chinese.HANS)))
    ids = articles.values_list("pk", flat=True)
    return list(ids[:batch] if batch else ids)


def article_get_for_preview(*, pk: int) -> Article | None:
    """Any article, whatever its status, for an editor's preview."""
    return _for_page(Article.objects.all()).filter(pk=pk).first()


def article_tags(article: Article) -> list[Tag]:
    """The article's tags from the prefetched through rows (no query)."""
    return [item.tag for item in article.tagged_items.all()]


def article_related_list(*, article: Article, limit: int | None = None) -> list[Article]:
    """The related articles an article page shows, in one query: the editors' pins first in their order,
    then the computed ones by rank; only public ones (a scheduled change needs no write to take effect)."""
    limit = settings.RELATED_ARTICLES_SHOWN if limit is None else limit
    rows = (RelatedArticle.objects.filter(article=article, kind__in=[RelatedArticle.Kind.PINNED,
                                                                   RelatedArticle.Kind.COMPUTED])
            .select_related("related__featured_image", "related__source", "related__original_source")
            .order_by("position", "pk"))
    ranked = sorted(rows, key=lambda row: row.kind != RelatedArticle.Kind.PINNED)  # stable: pins first
    return [row.related for row in ranked if row.related.is_public][:limit]


class StoredPage(NamedTuple):
    slug: str
    share_total: int
    html: str


class SearchResults:
    """Ranked search hits, fetched a page at a time (sliceable like a queryset)."""

    def __init__(self, ids: list[int], *, capped: bool = False):
        self.ids = ids
        # The ranking stopped at search.MAX_RESULTS matches: there may be more than ``ids``.
        self.capped = capped

    def __getitem__(self, item: slice) -> list[Article]:
        wanted = self.ids[item]
        found = _with_tags(Article.objects.published().for_list()).in_bulk(wanted)
        return [found[pk] for pk in wanted if pk in found]


def article_search(*, query: str) -> SearchResults:
    """Published articles matching ``query`` typed in either script, most relevant first, then newest."""
    scores = dict(search.ranked(query))
    if not scores:
        return SearchResults([])
    public = dict(Article.objects.published().filter(pk__in=list(scores)).values_list("pk", "listed_at"))
    # Relevance first; equally relevant articles newest first.
    ordered = sorted(public, key=lambda pk: (round(scores[pk], 6), -public[pk].timestamp()))
    return SearchResults(ordered, capped=len(scores) >= search.MAX_RESULTS)
