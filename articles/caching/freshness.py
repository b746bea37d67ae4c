"""Subscribers to ``articles.events`` that keep stored and cached pages current.

Inside the writer's transaction (``in_transaction``): every article whose stored page shows what changed gets a new
``page_version``. A stored page (``ArticlePage``) is served only while its ``version`` equals its article's
``page_version`` (and its build is this build), so the moment the write commits, every stored page and card that
showed the old data is dead — for every worker and process, whatever order anything else happens in. A render that
read data before the write stores the version it read first, which is then already outdated, so it is never served.

After commit (``committed``): the page cache's stamps of what changed are written (``pagecache.invalidate``) before the
edit returns. The outdated pages are rendered again in the background (``articles.pages`` subscribes for that); until
they are, readers get them rendered live, which is correct, only slower.

What a page depends on, and what each change stamps (one stamp a page, so a cached hit reads two keys):

=================  ============================================================================================
article page       ``article:N`` (``article_page_deps``): stamped for every article whose ``page_version`` a change
                   raised — the article, those showing a changed tag, source or picture, those whose related list
                   changed or holds a changed article. The stamps follow the version, so they cannot disagree.
every list page    ``list:all`` (home, tag and source pages, feeds, sitemaps, search): stamped by any change to an
                   article, tag, source or picture
=================  ============================================================================================
"""

from __future__ import annotations

from django.db.models import F, Q

from articles import events
from articles.caching import pagecache
from articles.models import Article, RelatedArticle


def article_page_deps(pk: int) -> list[str]:
    """What an article page depends on in the page cache: its own stamp, written whenever its version is raised."""
    return [f"article:{pk}"]


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


def outdate_stored_pages(sender, change: events.Changed, **kwargs) -> events.Changed:
    """``in_transaction``: the stored pages that show anything in ``change`` are outdated from this commit on; returns
    them (``pages``), so that their page-cache stamps are written after the commit.

    An article's title, date, picture and source also show in the related lists that hold it, and so do its
    sources' names and its picture's: those lists' pages are outdated too."""
    shown_in_lists = Q(pk__in=change.articles)
    if change.sources:
        shown_in_lists |= (Q(source_id__in=change.sources) | Q(original_source_id__in=change.sources)
                           | Q(featured_image__source_id__in=change.sources))
    if change.images:
        shown_in_lists |= Q(featured_image_id__in=change.images)
    holders = RelatedArticle.objects.filter(related__in=Article.objects.filter(shown_in_lists).values("pk"))
    showing = Article.objects.filter(_showing(change)).values("pk")
    outdated = Article.objects.filter(Q(pk__in=showing) | Q(pk__in=holders.values("article_id")))
    pks = frozenset(outdated.values_list("pk", flat=True))
    if pks:
        # By primary key, in slices under every database's parameter limit: exactly the pages returned.
        ordered = sorted(pks)
        for start in range(0, len(ordered), 5_000):
            (Article.objects.filter(pk__in=ordered[start:start + 5_000])
             .update(page_version=F("page_version") + 1))
    return events.Changed(pages=pks)


def change_deps(change: events.Changed) -> set[str]:
    """The page-cache dependencies ``change`` stamps (see the module docstring)."""
    deps = {f"article:{pk}" for pk in change.articles | change.related | change.pages}
    if change.articles or change.tags or change.sources or change.images:
        deps.add("list:all")
    return deps


def refresh_after_commit(sender, change: events.Changed, **kwargs) -> None:
    """``committed``: stamp what changed, so the cached pages that showed it are dead before the edit returns."""
    pagecache.invalidate(change_deps(change))


def connect() -> None:
    events.in_transaction.connect(outdate_stored_pages, dispatch_uid="caching-outdate")
    events.committed.connect(refresh_after_commit, dispatch_uid="caching-refresh")
