"""Reading what scoring needs: the corpus's tag counts, the candidates and the articles, in few queries."""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F

from articles.models import Article, RelatedArticle, TaggedArticle
from articles.related.scoring import (
    COUNT_CACHE_SECONDS,
    MAX_CANDIDATES,
    PER_TAG,
    TOTAL_CACHE_KEY,
    Doc,
    Scored,
    rank,
    rarity,
    terms,
)

logger = logging.getLogger(__name__)

COMPUTED = RelatedArticle.Kind.COMPUTED
PINNED = RelatedArticle.Kind.PINNED



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
