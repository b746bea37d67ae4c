"""Pure scoring: how related two articles are (see the package docstring for the formula)."""

from __future__ import annotations

import datetime
import functools
import heapq
import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils import timezone

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
