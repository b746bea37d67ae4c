"""Writing the ranked rows, and rebuilding every list."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from articles import events
from articles.models import Article, RelatedArticle
from articles.related.reading import Corpus, Run, compute_many, stored_count
from articles.related.scoring import CHUNK, Scored

logger = logging.getLogger(__name__)

COMPUTED = RelatedArticle.Kind.COMPUTED
PINNED = RelatedArticle.Kind.PINNED



# --- writing ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Refreshed:
    rows: list[Scored]
    changed: bool  # the stored list differs from what it was


def _signature(scored: Iterable[Scored]) -> list[tuple[int, float]]:
    return [(s.article_id, round(s.score, 6)) for s in scored]


def _store(ranked: dict[int, list[Scored]]) -> dict[int, Refreshed]:
    """Replace the computed rows of the ranked articles in one transaction (only where they changed)."""
    ids = sorted(ranked)
    if not ids:
        return {}
    with transaction.atomic():
        # Refreshes of one article queue on its row (SQLite's single writer queues them anyway), and a
        # pin or exclusion an editor saved meanwhile wins.
        if connection.features.has_select_for_update:
            list(Article.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
        editorial: dict[int, set[int]] = defaultdict(set)
        before: dict[int, list[Scored]] = defaultdict(list)
        for owner, related_id, kind, score in (
            RelatedArticle.objects.filter(article_id__in=ids).order_by("article_id", "position")
            .values_list("article_id", "related_id", "kind", "score")
        ):
            if kind == COMPUTED:
                before[owner].append(Scored(related_id, score))
            else:
                editorial[owner].add(related_id)
        kept = {pk: [s for s in ranked[pk] if s.article_id not in editorial[pk]][:stored_count()] for pk in ids}
        changed = [pk for pk in ids if _signature(before[pk]) != _signature(kept[pk])]
        if changed:
            RelatedArticle.objects.filter(article_id__in=changed, kind=COMPUTED).delete()
            RelatedArticle.objects.bulk_create(
                [RelatedArticle(article_id=pk, related_id=s.article_id, kind=COMPUTED, score=s.score, position=i)
                 for pk in changed for i, s in enumerate(kept[pk])],
                ignore_conflicts=True,
            )
            # The stored and cached pages of those articles show the old list.
            events.record(related=changed)
    return {pk: Refreshed(kept[pk], pk in set(changed)) for pk in ids}


def refresh_articles(article_ids: Collection[int], *, run: Run | None = None) -> dict[int, Refreshed]:
    """Recompute and store the computed rows of ``article_ids`` (scoring reads first, then one short write)."""
    return _store(compute_many(article_ids, run=run))


def refresh_article(article_id: int) -> list[Scored]:
    """Recompute and store one article's computed rows; returns them ranked (what a benchmark times)."""
    refreshed = refresh_articles([article_id]).get(article_id)
    return refreshed.rows if refreshed is not None else []


def rebuild(
    *,
    article_ids: Iterable[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
    dry_run: bool = False,
) -> tuple[int, int]:
    """Recompute every article's computed rows (or those of ``article_ids``); returns (articles, rows)."""
    if article_ids is None:
        ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    else:
        ids = list(article_ids)
    run = Run(Corpus.load(), keep=True)  # a few articles more or less during the run change no rarity
    rows = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start:start + CHUNK]
        if dry_run:
            rows += sum(len(ranked) for ranked in compute_many(chunk, run=run).values())
        else:
            rows += sum(len(refreshed.rows) for refreshed in refresh_articles(chunk, run=run).values())
        if progress is not None:
            progress(start + len(chunk), len(ids))
    return len(ids), rows
