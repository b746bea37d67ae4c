"""Subscribers to ``articles.events`` that keep stored and cached pages current.

Inside the writer's transaction (``in_transaction``): every article whose stored page shows what changed gets a new
``page_version``. A stored page (``ArticlePage``) is served only while its ``version`` equals its article's
``page_version`` (and its build is this build), so the moment the write commits, every stored page and card that
showed the old data is dead — for every worker and process, whatever order anything else happens in. A render that
read data before the write stores the version it read first, which is then already outdated, so it is never served.

After commit (``committed``): the page cache's stamps of what changed are written (``pagecache.invalidate``) before the
edit returns. The outdated pages are rendered again in the background (``articles.pages`` subscribes for that); until
they are, readers get them rendered live, which is correct, only slower.

What a page depends on, and what each change stamps:

=================  ============================================================================================
article page       ``article:N``, the tags, sources and picture it shows, and each related article with its source
                   and picture (``article_page_deps``)
every list page    ``list:all`` (home, tag and source pages, feeds, sitemaps, search)
=================  ============================================================================================

An article change stamps ``article:N`` and ``list:all``; a tag, source or picture change stamps ``tag:T``,
``source:S`` or ``image:I`` and ``list:all``; a changed related list stamps its article.
"""

from __future__ import annotations

from django.db.models import F, Q

from articles import events
from articles.caching import pagecache
from articles.models import Article, RelatedArticle


def article_page_deps(article: Article, related: list[Article]) -> list[str]:
    """What an article page shows, as page-cache dependencies (``article``: fetched as the page fetches it)."""
    deps = {f"article:{article.pk}"}
    deps.update(f"tag:{item.tag_id}" for item in article.tagged_items.all())
    for shown in (article, *related):
        deps.add(f"article:{shown.pk}")
        deps.update(f"source:{pk}" for pk in (shown.source_id, shown.original_source_id) if pk)
        if shown.featured_image_id:
            deps.add(f"image:{shown.featured_image_id}")
            if shown.featured_image.source_id:
                deps.add(f"source:{shown.featured_image.source_id}")
    return sorted(deps)


def _showing(change: events.Changed) -> Q:
    """Articles whose own page shows something in ``change``."""
    condition = Q(pk__in=change.articles | change.related)
    if change.tags:
        condition |= Q(tagged_items__tag_id__in=change.tags)
    if change.sources:
        condition |= (Q(source_id__in=change.sources) | Q(original_source_id__in=change.sources)
                      | Q(featured_image__source_id__in=change.sources))
    if change.images:
        condition |= Q(featured_image_id__in=change.images)
    return condition


def outdate_stored_pages(sender, change: events.Changed, **kwargs) -> None:
    """``in_transaction``: the stored pages that show anything in ``change`` are outdated from this commit on.

    An article's title, date, picture and source also show in the related lists that hold it, and so do its
    source's name and its picture: those lists' pages are outdated too."""
    shown_in_lists = Q(pk__in=change.articles)
    if change.sources:
        shown_in_lists |= Q(source_id__in=change.sources)
    if change.images:
        shown_in_lists |= Q(featured_image_id__in=change.images)
    holders = RelatedArticle.objects.filter(related__in=Article.objects.filter(shown_in_lists).values("pk"))
    showing = Article.objects.filter(_showing(change)).values("pk")
    (Article.objects.filter(Q(pk__in=showing) | Q(pk__in=holders.values("article_id")))
     .update(page_version=F("page_version") + 1))


def change_deps(change: events.Changed) -> set[str]:
    """The page-cache dependencies ``change`` stamps (see the module docstring)."""
    deps = {f"article:{pk}" for pk in change.articles | change.related}
    deps |= {f"tag:{pk}" for pk in change.tags}
    deps |= {f"source:{pk}" for pk in change.sources}
    deps |= {f"image:{pk}" for pk in change.images}
    if change.articles or change.tags or change.sources or change.images:
        deps.add("list:all")
    return deps


def refresh_after_commit(sender, change: events.Changed, **kwargs) -> None:
    """``committed``: stamp what changed, so the cached pages that showed it are dead before the edit returns."""
    pagecache.invalidate(change_deps(change))


def connect() -> None:
    events.in_transaction.connect(outdate_stored_pages, dispatch_uid="caching-outdate")
    events.committed.connect(refresh_after_commit, dispatch_uid="caching-refresh")
