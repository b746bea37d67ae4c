"""Reads that cross relations, shaped for the public pages in a constant number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from articles import chinese
from articles.models import Article, GlossaryTerm, ShareCount, Source, Tag, TaggedArticle


def _with_tags(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag").order_by("tag__name"))
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


def article_get_public(*, pk: int) -> Article | None:
    """One published article with everything its page shows, or None."""
    return (
        _with_tags(Article.objects.published())
        .select_related("source", "original_source", "featured_image")
        .filter(pk=pk)
        .first()
    )


def article_get_for_preview(*, pk: int) -> Article | None:
    """Any article, whatever its status, for an editor's preview."""
    return (
        _with_tags(Article.objects.all())
        .select_related("source", "original_source", "featured_image")
        .filter(pk=pk)
        .first()
    )


def article_tags(article: Article) -> list[Tag]:
    """The article's tags from the prefetched through rows (no query)."""
    return [item.tag for item in article.tagged_items.all()]


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


def article_search(*, query: str) -> QuerySet[Article]:
    """Published articles matching ``query`` typed in either script (matched through Traditional text)."""
    needle = chinese.to_hant(query)
    condition = Q(title_hant__icontains=needle) | Q(summary_hant__icontains=needle) | Q(body_hant__icontains=needle)
    return _with_tags(Article.objects.published().filter(condition).for_list())


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
