"""Search: a CJK-aware index of every article in both scripts (SQLite FTS5, PostgreSQL tsvector/GIN), see ``index``."""

from articles.search.index import (  # noqa: F401
    MAX_RESULTS,
    RANK_WINDOW,
    TITLE_WEIGHT,
    document,
    index_articles,
    insert_rows,
    ranked,
    rebuild,
    snippet,
    title_matches,
    tokens,
    unindex_articles,
)
