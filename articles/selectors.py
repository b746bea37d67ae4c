"""Reads that cross relations, shaped for the public pages in a constant number of queries."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import NamedTuple

from django.conf import settings
from django.db import connection, models
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from articles import chinese, search
from articles.models import (
    Article,
    ArticlePage,
    AuditEntry,
    GlossaryTerm,
    RelatedArticle,
    Revision,
    ShareCount,
    Source,
    Tag,
    TaggedArticle,
    reprint_valid,
)
from articles.pagination import Page, paginate


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


def article_cards_page(*, articles: QuerySet[Article], page: str | None, language: str) -> Page:
    """A page of a public list (``articles``: one of the ``article_list_*`` querysets), each article with its stored
    card (``articles.caching.stored``) in ``stored_card``: one query when every card is stored. Articles without one
    (not rendered yet, or by an older build) are fetched whole, with their tags and pictures, to render live."""
    from articles.caching import stored

    card = ArticlePage.objects.filter(article=OuterRef("pk"), language=language, build=stored.build(),
                                      version=OuterRef("page_version"))
    light = (articles.prefetch_related(None).select_related(None).defer("body", "body_hant", "body_hans")
             .annotate(stored_card=Subquery(card.values("card")[:1])))
    result = paginate(light, page)
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
    # Only a page rendered from the article's current page_version, by this build (articles.caching.stored).
    return (Article.objects.published(now=now, today=today)
            .filter(pk=pk, pages__language=language, pages__build=build, pages__version=F("page_version"))
            .order_by().values_list("slug", "share_total", "pages__html", "pages__deps")[:1])


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
    from articles.caching import stored

    if not 0 < pk < 2**63:  # beyond any database integer: no such article (and SQLite would refuse the value)
        return None
    sql, places = _stored_page_sql(connection.vendor)
    now = timezone.now()
    values = {"pk": pk, "language": language, "build": stored.build(),
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
    from articles.caching import stored

    articles = Article.objects.listed().order_by("-listed_at", "-pk")
    if only:
        articles = articles.filter(pk__in=list(only))
    if newest:  # of the newest N, those that need it (not the newest N that need it, further and further back)
        articles = articles.filter(pk__in=list(articles.values_list("pk", flat=True)[:newest]))
    if stale_only:
        current = ArticlePage.objects.filter(article=OuterRef("pk"), build=stored.build(),
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


def article_related_computed(*, article: Article) -> list[RelatedArticle]:
    """The article's computed related rows with their scores, best first, for the editors."""
    return list(RelatedArticle.objects.filter(article=article, kind=RelatedArticle.Kind.COMPUTED)
                .select_related("related").order_by("position", "pk"))


def article_list_containing_terms(*, terms: Iterable[tuple[str, str]]) -> QuerySet[Article]:
    """Articles whose text contains any of the (simplified, traditional) terms, in either script."""
    condition = Q(pk__in=[])
    for simplified, traditional in terms:
        for form in {simplified, traditional}:
            for field in ("title", "summary", "body"):
                condition |= Q(**{f"{field}__contains": form})
    return Article.objects.filter(condition)


def article_conversion_lint(*, article: Article) -> dict:
    """What an editor checks before publishing: the other variant, what conversion changed,
    glossary terms it applied, and mainland words still left in the Traditional text."""
    if article.language == chinese.HANS:
        source_text = " ".join([article.title, article.summary, chinese.strip_tags(article.body)])
        other_text = " ".join([article.title_hant, article.summary_hant, chinese.strip_tags(article.body_hant)])
        other = {"label": "繁體（台灣）", "title": article.title_hant, "summary": article.summary_hant}
    else:
        source_text = " ".join([article.title, article.summary, chinese.strip_tags(article.body)])
        other_text = " ".join([article.title_hans, article.summary_hans, chinese.strip_tags(article.body_hans)])
        other = {"label": "简体", "title": article.title_hans, "summary": article.summary_hans}
    traditional_text = source_text if article.language == chinese.HANT else other_text
    terms = [term.as_term() for term in GlossaryTerm.objects.filter(active=True)]
    return {
        "other": other,
        "changes": [c for c in chinese.changes(source_text, other_text) if c.before.strip() or c.after.strip()][:200],
        "glossary_hits": chinese.glossary_hits(source_text, terms),
        "mainland_terms": chinese.mainland_terms(traditional_text),
    }


class StoredPage(NamedTuple):
    slug: str
    share_total: int
    html: str
    deps: str


class SearchResults:
    """Ranked search hits, fetched a page at a time (sliceable like a queryset)."""

    def __init__(self, ids: list[int]):
        self.ids = ids

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
    return SearchResults(ordered)


def article_share_counts(*, article: Article) -> list[dict]:
    """Per-network share totals for one article, most shared first."""
    labels = dict(ShareCount.Network.choices)
    rows = (ShareCount.objects.filter(article=article).values("network").annotate(total=Sum("count"))
            .order_by("-total"))
    return [{"network": row["network"], "label": labels.get(row["network"], row["network"]), "total": row["total"]}
            for row in rows]


def article_list_most_shared(*, days: int, limit: int = 50) -> list[Article]:
    """Articles with the most share clicks over the last ``days`` days (today included)."""
    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = list(ShareCount.objects.filter(day__gte=since).values("article").annotate(total=Sum("count"))
                .order_by("-total")[:limit])
    articles = Article.objects.select_related("source").in_bulk([row["article"] for row in rows])
    ranked = []
    for row in rows:
        article = articles.get(row["article"])
        if article is not None:
            article.period_shares = row["total"]
            ranked.append(article)
    return ranked


def audit_list_for(*, obj: models.Model, limit: int = 50) -> list[AuditEntry]:
    """The newest audit entries about ``obj`` (an article, a source, a glossary term)."""
    return list(AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=obj.pk)
                .select_related("user")[:limit])


def article_revisions(*, article: Article, limit: int = 30) -> list[Revision]:
    """The article's newest revisions, with their editors, for the admin form."""
    return list(article.revisions.select_related("user").defer(
        "body", "body_hant", "body_hans", "summary_hant", "summary_hans")[:limit])


def pending_upstream_exists() -> Exists:
    """True for an article with an upstream update waiting for an editor (to annotate or filter articles)."""
    return Exists(Revision.objects.filter(article=OuterRef("pk"), pending_upstream=True))


def article_pending_upstream(*, article: Article) -> Revision | None:
    """The upstream update of ``article`` waiting for an editor, if any."""
    return article.revisions.filter(pending_upstream=True).only("pk", "article_id", "version", "created_at").first()


def article_current_revision(*, article: Article) -> Revision | None:
    """The revision holding the article's current content (an upstream update waiting is newer, not current)."""
    return article.revisions.filter(pending_upstream=False).first()


def article_list_blocked_by_reprint_gate() -> QuerySet[Article]:
    """Articles waiting to go out (in review or scheduled) whose source lacks a valid reprint permission."""
    return (Article.objects.filter(status__in=[Article.Status.REVIEW, Article.Status.SCHEDULED])
            .exclude(reprint_valid(timezone.localdate()))
            .select_related("source", "original_source").order_by("-updated_at"))


def article_review_queue() -> list[Article]:
    """Articles in review, oldest first, each with ``reprint_problems`` and ``sent_back_note`` for the editor."""
    today = timezone.localdate()
    articles = list(Article.objects.filter(status=Article.Status.REVIEW)
                    .select_related("source", "original_source", "created_by", "updated_by")
                    .order_by("updated_at", "pk"))
    for article in articles:
        article.reprint_problems = article.reprint_problems(on=today)
    return articles


EXPIRY_WARNING_DAYS = 14


def source_list_permission_expiring(*, days: int = EXPIRY_WARNING_DAYS) -> list[Source]:
    """Sources whose granted permission ends within ``days`` days (today included, Asia/Taipei), soonest first,
    each with ``published_count``: its published articles (as source or original source) that will go offline."""
    today = timezone.localdate()
    sources = list(Source.objects.filter(reprint_permission=Source.Permission.GRANTED,
                                         permission_expires__gte=today,
                                         permission_expires__lt=today + datetime.timedelta(days=days))
                   .order_by("permission_expires", "name"))
    if not sources:
        return []
    ids = [source.pk for source in sources]
    public = Article.objects.published().filter(Q(source_id__in=ids) | Q(original_source_id__in=ids))
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    for source_id, original_id in public.values_list("source_id", "original_source_id"):
        for pk in {source_id, original_id} & set(ids):
            counts[pk] += 1
    for source in sources:
        source.published_count = counts[source.pk]
    return sources


def article_latest_send_back(*, article: Article) -> AuditEntry | None:
    """The editor's last "send back" comment on ``article``, if it is a draft again because of it."""
    if article.status != Article.Status.DRAFT:
        return None
    return (AuditEntry.objects.filter(object_type=Article._meta.label_lower, object_id=article.pk,
                                      action=AuditEntry.Action.SEND_BACK)
            .select_related("user").order_by("-created_at", "-id").first())


def editors_desk(*, user, limit: int = 10) -> dict:
    """The admin index dashboard: my drafts, waiting for review, scheduled today (Asia/Taipei), blocked."""
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    base = Article.objects.select_related("source").only("pk", "title", "status", "publish_at", "updated_at",
                                                          "source__name")
    return {
        "my_drafts": list(base.filter(status=Article.Status.DRAFT, created_by=user).order_by("-updated_at")[:limit]),
        "waiting_review": list(base.filter(status=Article.Status.REVIEW).order_by("updated_at")[:limit]),
        "waiting_review_count": Article.objects.filter(status=Article.Status.REVIEW).count(),
        "scheduled_today": list(base.filter(status=Article.Status.SCHEDULED, publish_at__gte=start,
                                            publish_at__lt=end).order_by("publish_at")[:limit]),
        "blocked": list(article_list_blocked_by_reprint_gate()[:limit]),
        "expiring": source_list_permission_expiring(),
    }
