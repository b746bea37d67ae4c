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

The results are stored as ``RelatedArticle`` rows of kind ``computed``, refreshed by ``refresh_for_articles`` (a
background job queued on ``articles.events.committed``) and by ``manage.py rebuild_related``; readers only read
those rows. Editors' ``pinned`` and ``excluded`` rows are never touched here.
"""

from articles.related.reading import Corpus, Run, compute, compute_many, stored_count  # noqa: F401
from articles.related.refresh import (  # noqa: F401
    connect,
    refresh_for_articles,
    related_refresh_articles_task,
    related_refresh_task,
)
from articles.related.scoring import Doc, Scored, overlap, rank, rarity, recency, story_key, terms  # noqa: F401
from articles.related.storing import Refreshed, rebuild, refresh_article, refresh_articles  # noqa: F401
