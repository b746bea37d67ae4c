"""Reads that cross relations, shaped for the public pages in a constant number of queries."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from articles.models import Article, Source, Tag, TaggedArticle


def _with_tags(queryset: QuerySet[Article]) -> QuerySet[Article]:
    return queryset.prefetch_related(
        Prefetch("tagged_items", queryset=TaggedArticle.objects.select_related("tag").order_by("tag__name"))
    )


def article_list_published() -> QuerySet[Article]:
    """Latest published articles for the home page."""
    return _with_tags(Article.objects.published().for_list())


def article_list_for_tag(*, tag: Tag) -> QuerySet[Article]:
    """Published articles carrying ``tag``, newest first."""
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
