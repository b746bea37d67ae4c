"""What runs after an article's public face changes: published, edited, unpublished, re-tagged.

Services call ``article_changed`` inside their transaction; the handlers run once it commits,
so readers never see work done for a write that was rolled back. The handlers are listed here,
explicitly, in the order they run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class ArticleChange:
    article_id: int
    # What the article showed before the write, so the pages that listed it then are refreshed too.
    old_tag_ids: frozenset[int] = field(default_factory=frozenset)
    old_source_ids: frozenset[int] = field(default_factory=frozenset)
    # What its card in other articles' related lists showed (CARD_FIELDS), or None when not known.
    old_card: tuple | None = None


# What an article's entry in another article's related list shows: only a change to one of these (or to whether
# it is listed) makes the pages listing it render again.
CARD_FIELDS = ("title_hant", "title_hans", "featured_image_id", "source_id", "publish_at", "listed_at")


HANDLERS: list[str] = [
    # "dotted.path.to.handler" taking a list[ArticleChange]
    "articles.related.refresh_for_changes",  # re-renders (and un-caches) the other articles whose lists changed
    # The article's own pages are stored anew before the cached copies go: a reader who misses the cache
    # in between gets the new page, never caches the old one.
    "articles.prerender.on_article_changed",
    "articles.pagecache.on_article_changed",
]


def _run(changes: list[ArticleChange]) -> None:
    from articles import prerender

    with prerender.deferred():  # the handlers name overlapping pages: each is rendered once, at the end
        for path in HANDLERS:
            handler: Callable[[list[ArticleChange]], None] = import_string(path)
            handler(changes)


def article_changed(changes: Iterable[ArticleChange]) -> None:
    """Schedule the handlers for after the current transaction commits."""
    changes = list(changes)
    if changes:
        transaction.on_commit(lambda: _run(changes))
