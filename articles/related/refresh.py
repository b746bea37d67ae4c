"""After an article changes: its list, and the lists it leaves, changes or enters, refreshed in the background."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from articles import events, jobs
from articles.models import Article, RelatedArticle
from articles.related.reading import Corpus, _read_articles, stored_count
from articles.related.scoring import Scored, rank, story_key
from articles.related.storing import Refreshed, refresh_articles

logger = logging.getLogger(__name__)

COMPUTED = RelatedArticle.Kind.COMPUTED
PINNED = RelatedArticle.Kind.PINNED



# --- after an article changes --------------------------------------------------------------------------------
#
# The changed article's own list is recomputed. In the lists that hold it, only its entry can have moved, and a
# pair scores the same from either side: its entry is rescored in place, however many lists hold it, in a
# constant number of queries; a list left with fewer than a page shows is recomputed. It is offered to the
# lists of the articles it now lists (and of their stories' other retellings), recomputed where it would enter.


def _safely(function: Callable, *args):
    # After commit the editor's write has landed: a failed refresh must not turn it into an error page, and
    # `rebuild_related` repairs whatever was missed.
    try:
        return function(*args)
    except Exception:
        logger.exception("related articles: %s%r failed", function.__name__, args)
        return None


def _refresh_one(article_id: int) -> Refreshed:
    return refresh_articles([article_id]).get(article_id, Refreshed([], False))


def _short_lists(owners: Collection[int]) -> set[int]:
    """Those of ``owners`` whose computed list holds fewer articles than a page shows."""
    full = {owner for owner, n in (
        RelatedArticle.objects.filter(article_id__in=list(owners), kind=COMPUTED).order_by().values("article_id")
        .annotate(n=Count("*")).values_list("article_id", "n")
    ) if n >= settings.RELATED_ARTICLES_SHOWN}
    return set(owners) - full


def _rescore_in_lists(article_id: int, owners: Collection[int]) -> set[int]:
    """Rescore ``article_id``'s entry in the computed lists of ``owners`` in place; returns the lists left short."""
    owners = set(owners) - {article_id}
    articles = _read_articles(owners | {article_id})
    if article_id not in articles or not owners:
        return set()
    changed = articles.pop(article_id)[0]
    corpus = Corpus.for_tags(changed.tag_ids)
    weights = {tag_id: corpus.rarity(tag_id) for tag_id in changed.tag_ids}
    rows: dict[int, list[tuple[int, int, float, str]]] = defaultdict(list)
    for pk, owner, related_id, score, url in (
        RelatedArticle.objects.filter(article_id__in=list(owners), kind=COMPUTED).order_by("position")
        .values_list("pk", "article_id", "related_id", "score", "related__original_url")
    ):
        rows[owner].append((pk, related_id, score, url))
    deleted: list[int] = []
    updated: list[RelatedArticle] = []
    touched: set[int] = set()
    for owner, (doc, editorial) in articles.items():
        pinned_stories = {url for _id, kind, url in editorial if kind == PINNED and url}
        ranked = rank(doc, [changed], weights, min_score=settings.RELATED_MIN_SCORE, limit=1,
                      skip_stories=pinned_stories)
        entries = [(pk, rid, ranked[0].score if rid == article_id else score, url)
                   for pk, rid, score, url in rows[owner] if rid != article_id or ranked]
        # Still one article per story: its new text may retell a story the list already holds.
        entries.sort(key=lambda e: (-e[2], -e[1]))
        seen: set[str] = set()
        kept: list[tuple[int, float]] = []
        for pk, _related_id, score, url in entries:
            key = story_key(url)
            if key and key in seen:
                deleted.append(pk)
                continue
            seen.add(key)
            kept.append((pk, score))
        updated.extend(RelatedArticle(pk=pk, score=score, position=i) for i, (pk, score) in enumerate(kept))
        deleted.extend(pk for pk, rid, _score, _url in rows[owner] if rid == article_id and not ranked)
        touched.add(owner)
    with transaction.atomic():
        RelatedArticle.objects.filter(pk__in=deleted).delete()
        RelatedArticle.objects.bulk_update(updated, ["score", "position"])
        events.record(related=touched)
    return _short_lists(touched)


def _lists_to_enter(article_id: int, ranked: list[Scored]) -> set[int]:
    """The articles ``article_id`` now lists whose own list it would enter (scores are symmetric)."""
    scores = {s.article_id: s.score for s in ranked}
    if not scores:
        return set()
    # It lists one retelling per story, but belongs in the other retellings' lists as much.
    stories: dict[str, float] = {}
    for pk, url in Article.objects.filter(pk__in=list(scores)).exclude(original_url="").values_list(
        "pk", "original_url"
    ):
        stories[story_key(url)] = scores[pk]
    if stories:
        urls = [variant for key in stories for variant in (key, key + "/")]
        for pk, url in Article.objects.published().filter(original_url__in=urls).exclude(pk=article_id).values_list(
            "pk", "original_url"
        ):
            scores.setdefault(pk, stories[story_key(url)])
    already: set[int] = set()
    computed: dict[int, list[float]] = defaultdict(list)
    for owner, related_id, kind, score in RelatedArticle.objects.filter(article_id__in=list(scores)).values_list(
        "article_id", "related_id", "kind", "score"
    ):
        if related_id == article_id:
            already.add(owner)  # listed, pinned or excluded there already
        elif kind == COMPUTED:
            computed[owner].append(score)
    return {
        owner for owner, score in scores.items()
        if owner not in already and (len(computed[owner]) < stored_count() or score > min(computed[owner]))
    }


def refresh_for_articles(article_ids: Collection[int]) -> None:
    """After articles changed: refresh their lists and the lists they leave, change or enter."""
    ids = set(article_ids)
    public = set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    listers: dict[int, set[int]] = defaultdict(set)
    for owner, related_id in RelatedArticle.objects.filter(kind=COMPUTED, related_id__in=ids).values_list(
        "article_id", "related_id"
    ):
        listers[related_id].add(owner)

    follow_up: set[int] = set()
    gone = ids - public
    if gone:
        # Off the public site means out of every list now, whatever becomes of the refreshes below.
        holding = {owner for article_id in gone for owner in listers[article_id]}
        with transaction.atomic():
            RelatedArticle.objects.filter(kind=COMPUTED, related_id__in=gone).delete()
            events.record(related=holding)
        follow_up |= _short_lists(holding)

    for article_id in sorted(ids):
        refreshed = _safely(_refresh_one, article_id)
        if refreshed is None or article_id not in public:
            continue
        # Its tags, title, summary or date changed when its own scores did (every text overlap depends on
        # its own number of terms).
        if refreshed.changed:
            follow_up |= _safely(_rescore_in_lists, article_id, listers[article_id]) or set()
        follow_up |= _safely(_lists_to_enter, article_id, refreshed.rows) or set()
    for article_id in sorted(follow_up - ids):
        _safely(_refresh_one, article_id)


# --- in the background ----------------------------------------------------------------------------------------


@jobs.task()
def related_refresh_task(*, article_id: int) -> None:
    """Refresh one changed article's related list and the lists it leaves, changes or enters."""
    refresh_for_articles([article_id])


@jobs.task()
def related_refresh_articles_task(*, ids: list[int]) -> None:
    """Refresh the related lists of many changed articles (an import's chunk) and the lists they leave, change or
    enter."""
    refresh_for_articles(ids)


def _queue_refresh(sender, change: events.Changed, **kwargs) -> None:
    """``events.committed``: the changed articles' lists, refreshed in the background.

    One changed article (an editor's save) gets a job of its own, coalesced per article while it waits; many at once
    (an import's chunk, a bulk action) are split into jobs of ``jobs.CHUNK_SIZE`` ids, every id in exactly one."""
    if len(change.articles) == 1:
        [pk] = change.articles
        jobs.enqueue(related_refresh_task, key=f"related:{pk}", article_id=pk)
    elif change.articles:
        jobs.enqueue_chunks(related_refresh_articles_task, key="related:articles", ids=change.articles)


def connect() -> None:
    events.committed.connect(_queue_refresh, dispatch_uid="related-refresh")
