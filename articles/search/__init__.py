"""Search: a CJK-aware index of the articles in both scripts (SQLite FTS5 or PostgreSQL trigram/GIN), see ``index``."""

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
