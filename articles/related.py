"""Related articles: score candidates, store the ranked rows, refresh them when an article changes.

A pair of articles scores (the same from either side)::

    score = recency × (Σ rarity of the shared tags + TEXT_WEIGHT × overlap of title and summary)

* rarity of a tag = log(N / df) / log(N): 1 for a tag on one article, near 0 for a tag on nearly all of
  them (N articles, df of them carrying the tag) — a tag on 5 articles says more than one on 5,000.
* overlap: the Dice coefficient of the character bigrams (and Latin words) of the *Traditional* title and
  summary, so an article written in Simplified matches one written in Traditional.
* recency: 1 for articles published together, falling gently towards 0.5 as they lie further apart.

Candidates come from the tag index, rarest tag first, at most ``PER_TAG`` per tag and ``MAX_CANDIDATES`` in
all, never from a scan of the articles; the text overlap is computed on those candidates only. Only public
articles are candidates, never the article itself nor another article about the same upstream story (same
``original_url``), and at most one article per upstream story. Below ``settings.RELATED_MIN_SCORE`` an
article is left out: better fewer than irrelevant.

The results are stored as ``RelatedArticle`` rows of kind ``computed``, refreshed after commit by
``refresh_for_changes`` (an ``articles.events`` handler) and by ``manage.py rebuild_related``; readers only
read those rows. Editors' ``pinned`` and ``excluded`` rows are never touched here.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import logging
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from articles import events, jobs
from articles.models import Article, RelatedArticle, TaggedArticle

logger = logging.getLogger(__name__)

COMPUTED = RelatedArticle.Kind.COMPUTED
PINNED = RelatedArticle.Kind.PINNED

# Candidates: the most recently tagged articles of each tag, rarest tag first, within an overall budget.
# A tag on at most PER_TAG articles gives all of them; a commoner one, its newest PER_TAG.
PER_TAG = 100
MAX_CANDIDATES = 300
# One full title-and-summary match weighs as much as one tag found on a single article.
TEXT_WEIGHT = 1.0
# Two articles this many days apart lose a quarter of their score; far apart, at most half.
HALF_LIFE_DAYS = 180.0
# The article count, and the count of a common tag, move slowly and a small change barely moves a rarity:
# they are counted at most this often (a rare tag is counted every time: cheap, and where it matters).
COUNT_CACHE_SECONDS = 600
TOTAL_CACHE_KEY = "related:article-count"
# Articles read, scored and written together by a rebuild.
CHUNK = 100

_CJK_RUN_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_WORD_RE = re.compile(r"[0-9a-z]+(?:[.+\-][0-9a-z]+)*")


# --- pure scoring -------------------------------------------------------------------------------------


def story_key(url: str) -> str:
    """The upstream story an article retells, for telling two retellings apart ('' when unknown)."""
    return (url or "").strip().rstrip("/")


@dataclass(frozen=True)
class Doc:
    """What scoring needs of one article."""

    id: int
    tag_ids: frozenset[int]
    text: str  # Traditional title and summary
    original_url: str = ""
    publish_at: datetime.datetime | None = None
    story: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "story", story_key(self.original_url))


@dataclass(frozen=True)
class Scored:
    article_id: int
    score: float


# A term set takes about 8 kB: this bounds what a web worker keeps (a rebuild keeps more, see Run).
@functools.lru_cache(maxsize=2048)
def terms(text: str) -> frozenset[str]:
    """Character bigrams of the Chinese runs plus whole Latin words and numbers, lowercased."""
    text = unicodedata.normalize("NFKC", text).lower()
    found: set[str] = set(_WORD_RE.findall(text))
    for run in _CJK_RUN_RE.findall(text):
        if len(run) == 1:
            found.add(run)
        else:
            found.update(run[i:i + 2] for i in range(len(run) - 1))
    return frozenset(found)


def overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Dice coefficient of two term sets: 1 for the same terms, 0 for none in common."""
    if not a or not b:
        return 0.0
    return 2 * len(a & b) / (len(a) + len(b))


def rarity(df: int, total: int) -> float:
    """How much sharing a tag says, from 1 (a tag on one article) to 0 (a tag on every article)."""
    if total < 2:
        return 1.0
    df = min(max(df, 1), total)
    return math.log(total / df) / math.log(total)


def recency(a: datetime.datetime | None, b: datetime.datetime | None) -> float:
    """A gentle decay with the time between two articles: 1 when published together, never below 0.5."""
    if a is None or b is None:
        return 1.0
    days = abs((a - b).total_seconds()) / 86400
    return 0.5 + 0.5 * 0.5 ** (days / HALF_LIFE_DAYS)


def rank(
    article: Doc,
    candidates: Iterable[Doc],
    weights: Mapping[int, float],
    *,
    min_score: float,
    limit: int,
    skip_stories: Collection[str] = (),
    terms_of: Callable[[str], frozenset[str]] = terms,
) -> list[Scored]:
    """The best ``limit`` candidates for ``article`` scoring at least ``min_score``, best first.

    ``weights`` holds the rarity of each of the article's tags. Never the article itself nor its own
    upstream story (nor one in ``skip_stories``), and one article per upstream story. The text overlap
    is only computed where it could still change the answer.
    """
    skip = {key for key in map(story_key, skip_stories) if key} | ({article.story} if article.story else set())
    reference = article.publish_at or timezone.now()
    bounded = []
    for candidate in candidates:
        if candidate.id == article.id or candidate.story in skip:
            continue
        tag_score = sum(weights[tag_id] for tag_id in article.tag_ids & candidate.tag_ids)
        decay = recency(reference, candidate.publish_at)
        bounded.append((decay * (tag_score + TEXT_WEIGHT), tag_score, decay, candidate))
    bounded.sort(key=lambda item: (item[0], item[3].id), reverse=True)

    own_terms = terms_of(article.text)
    best: dict[str, Scored] = {}
    # The limit-th best score so far (a story's first score only, so it never overstates): a candidate
    # whose upper bound is below it cannot enter the list, nor can any after it.
    top: list[float] = []
    for upper, tag_score, decay, candidate in bounded:
        if upper < min_score or (len(top) == limit and upper < top[0]):
            break
        score = decay * (tag_score + TEXT_WEIGHT * overlap(own_terms, terms_of(candidate.text)))
        if score < min_score:
            continue
        key = candidate.story or f"#{candidate.id}"
        if key in best:
            if best[key].score < score:
                best[key] = Scored(candidate.id, score)
            continue
        best[key] = Scored(candidate.id, score)
        if len(top) < limit:
            heapq.heappush(top, score)
        elif score > top[0]:
            heapq.heapreplace(top, score)
    return sorted(best.values(), key=lambda s: (-s.score, -s.article_id))[:limit]


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus:
    """How many articles there are and how many carry each tag (for rarity)."""

    total: int
    tag_counts: Mapping[int, int]

    @classmethod
    def load(cls) -> Corpus:
        """Counts for every tag, for a run over many articles."""
        return cls(total=Article.objects.count(), tag_counts=_count_tags(TaggedArticle.objects.all()))

    @classmethod
    def for_tags(cls, tag_ids: Collection[int]) -> Corpus:
        """Counts for a few tags: common ones from the cache when counted lately, the rest on the tag index."""
        keys = {tag_id: f"related:tag-count:{tag_id}" for tag_id in tag_ids}
        cached = cache.get_many(list(keys.values())) if keys else {}
        counts = {tag_id: cached[key] for tag_id, key in keys.items() if key in cached}
        missing = [tag_id for tag_id in tag_ids if tag_id not in counts]
        if missing:
            counted = _count_tags(TaggedArticle.objects.filter(tag_id__in=missing))
            counts.update(counted)
            cache.set_many({keys[t]: n for t, n in counted.items() if n > PER_TAG}, COUNT_CACHE_SECONDS)
        total = cache.get_or_set(TOTAL_CACHE_KEY, Article.objects.count, COUNT_CACHE_SECONDS)
        return cls(total=total, tag_counts=counts)

    def count(self, tag_id: int) -> int:
        return self.tag_counts.get(tag_id, 1)

    def rarity(self, tag_id: int) -> float:
        return rarity(self.count(tag_id), self.total)


def _count_tags(tagged) -> dict[int, int]:
    # COUNT(*) rather than COUNT(id): PostgreSQL answers it from the tag index alone.
    return dict(tagged.order_by().values("tag_id").annotate(n=Count("*")).values_list("tag_id", "n"))


def stored_count() -> int:
    """How many computed rows an article keeps: twice what a page shows, so one leaving leaves enough behind."""
    return max(settings.RELATED_ARTICLES_SHOWN, 1) * 2


def _load_docs(ids: Collection[int], tag_ids: Collection[int] | None = None) -> dict[int, Doc | None]:
    """Scoring data of the public articles among ``ids`` (None for the others), with their tags among
    ``tag_ids`` (all their tags when None)."""
    if not ids:
        return {}
    tagged = TaggedArticle.objects.filter(content_object_id__in=list(ids))
    if tag_ids is not None:
        # "tag_id + 0" keeps the planner off the tag index (every row of a common tag) and on the
        # (article, tag) index: a few rows per candidate.
        tagged = tagged.alias(tag_plus_zero=F("tag_id") + 0).filter(tag_plus_zero__in=list(tag_ids))
    tags: dict[int, set[int]] = defaultdict(set)
    for article_id, tag_id in tagged.values_list("content_object_id", "tag_id"):
        tags[article_id].add(tag_id)
    docs: dict[int, Doc | None] = dict.fromkeys(ids)
    rows = Article.objects.published().filter(pk__in=list(ids)).order_by().values_list(
        "pk", "title_hant", "summary_hant", "original_url", "publish_at")
    for pk, title, summary, url, publish_at in rows:
        docs[pk] = Doc(pk, frozenset(tags[pk]), f"{title}\n{summary}", url, publish_at)
    return docs


class Run:
    """The reads scoring needs. A run over many articles (``keep=True``) reads each tag's newest
    articles and each candidate once and keeps them, instead of reading them again per article."""

    def __init__(self, corpus: Corpus, *, keep: bool = False, max_docs: int = 100_000) -> None:
        self.corpus = corpus
        self.keep = keep
        self._newest: dict[int, list[int]] = {}
        self._docs: dict[int, Doc | None] = {}  # about 1 kB each
        self._max_docs = max_docs
        # The newest articles of common tags are everybody's candidates: worth keeping their terms.
        self.terms = functools.lru_cache(maxsize=8192)(terms.__wrapped__) if keep else terms

    def newest(self, tag_id: int) -> list[int]:
        """The newest ``PER_TAG + 1`` articles tagged ``tag_id`` (one spare: the article asking may be one)."""
        if tag_id in self._newest:
            return self._newest[tag_id]
        ids = list(TaggedArticle.objects.filter(tag_id=tag_id).order_by("-pk")
                   .values_list("content_object_id", flat=True)[:PER_TAG + 1])
        if self.keep:
            self._newest[tag_id] = ids
        return ids

    def docs(self, ids: Sequence[int], tag_ids: Collection[int]) -> list[Doc]:
        """The public candidates among ``ids``; their tags among ``tag_ids`` at least."""
        if not self.keep:
            return [doc for doc in _load_docs(ids, tag_ids).values() if doc is not None]
        missing = [pk for pk in ids if pk not in self._docs]
        if len(self._docs) + len(missing) > self._max_docs:
            self._docs.clear()
            missing = list(ids)
        self._docs.update(_load_docs(missing))
        return [doc for pk in ids if (doc := self._docs[pk]) is not None]


Editorial = tuple[int, str, str]  # (related article, kind, its original_url)


def _read_articles(ids: Collection[int]) -> dict[int, tuple[Doc, list[Editorial]]]:
    """The articles to score, with the editors' pinned and excluded rows of each: three queries."""
    tags: dict[int, set[int]] = defaultdict(set)
    for article_id, tag_id in TaggedArticle.objects.filter(content_object_id__in=list(ids)).values_list(
        "content_object_id", "tag_id"
    ):
        tags[article_id].add(tag_id)
    editorial: dict[int, list[Editorial]] = defaultdict(list)
    for owner, related_id, kind, url in (
        RelatedArticle.objects.filter(article_id__in=list(ids)).exclude(kind=COMPUTED)
        .values_list("article_id", "related_id", "kind", "related__original_url")
    ):
        editorial[owner].append((related_id, kind, url))
    rows = Article.objects.filter(pk__in=list(ids)).order_by().values_list(
        "pk", "title_hant", "summary_hant", "original_url", "publish_at")
    return {pk: (Doc(pk, frozenset(tags[pk]), f"{title}\n{summary}", url, publish_at), editorial[pk])
            for pk, title, summary, url, publish_at in rows}


def _rank_one(article: Doc, editorial: list[Editorial], run: Run) -> list[Scored]:
    if not article.tag_ids:
        return []
    skip_ids = {related_id for related_id, _kind, _url in editorial}
    pinned_stories = {url for _id, kind, url in editorial if kind == PINNED and url}
    corpus = run.corpus
    # A tag only this article carries finds nobody; the rarest of the rest speak loudest.
    searched = sorted((t for t in article.tag_ids if corpus.count(t) > 1), key=lambda t: (corpus.count(t), t))
    found: dict[int, None] = {}
    for tag_id in searched:
        room = MAX_CANDIDATES - len(found)
        if room <= 0:
            break
        newest = [pk for pk in run.newest(tag_id) if pk != article.id and pk not in skip_ids]
        found.update(dict.fromkeys(newest[:min(PER_TAG, room)]))
    weights = {tag_id: corpus.rarity(tag_id) for tag_id in article.tag_ids}
    return rank(article, run.docs(list(found), article.tag_ids), weights, min_score=settings.RELATED_MIN_SCORE,
                limit=stored_count(), skip_stories=pinned_stories, terms_of=run.terms)


def compute_many(article_ids: Collection[int], *, run: Run | None = None) -> dict[int, list[Scored]]:
    """The computed related list of each article, best first (reads only; pinned and excluded left out)."""
    articles = _read_articles(article_ids)
    if run is None:
        run = Run(Corpus.for_tags(set().union(*(doc.tag_ids for doc, _ in articles.values()))))
    return {pk: _rank_one(doc, editorial, run) for pk, (doc, editorial) in articles.items()}


def compute(article_id: int) -> list[Scored]:
    """The computed related list of one article, best first (reads only)."""
    return compute_many([article_id]).get(article_id, [])


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


def _queue_refresh(sender, change: events.Changed, **kwargs) -> None:
    """``events.committed``: each changed article's lists, refreshed in the background (one pending job each)."""
    for pk in sorted(change.articles):
        jobs.enqueue(related_refresh_task, key=f"related:{pk}", article_id=pk)


def connect() -> None:
    events.committed.connect(_queue_refresh, dispatch_uid="related-refresh")
