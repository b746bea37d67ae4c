"""Full-text search built for Chinese: character bigrams of the Traditional text, indexed by the database.

English-first engines cannot split Chinese; splitting per character matches far too much. We index
overlapping character pairs (資訊安全 → 資訊 訊安 安全) of the Traditional text, so a query in either
script — converted to Traditional first — matches as a phrase of pairs, and Latin words as words.

* SQLite: an FTS5 table (title and body columns, bm25 ranking, title weighted higher).
* PostgreSQL: a ``tsvector`` over the same pairs ('simple' configuration, title weighted A) with a GIN index.

The index holds every article, whatever its status (the editors' desk searches drafts and archives too), and lives
in the same database: it is written inside the transaction that changes the article (``articles.services``; a delete
removes its row in ``articles.subscribers``), so it can never disagree with what was committed. A reader's search
(``ranked``) filters what it finds through ``Article.objects.published()``; the desk's (``title_matches``) through
the admin's own queryset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from articles.models import Article
from articles.text import chinese

MAX_RESULTS = 500
RANK_WINDOW = 500
TITLE_WEIGHT = 10.0
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+")
_WORD = re.compile(r"[a-z0-9]+(?:[.\-+][a-z0-9]+)*")
_TOKEN_OR_CJK = re.compile(_CJK_RUN.pattern + "|" + _WORD.pattern)


def tokens(text: str) -> list[list[str]]:
    """Groups of tokens, one group per run: a CJK run gives its character pairs, a word itself."""
    groups = []
    for match in _TOKEN_OR_CJK.finditer(text.lower()):
        run = match.group(0)
        if _CJK_RUN.fullmatch(run):
            groups.append([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            groups.append([run])
    return groups


def document(text: str) -> str:
    return " ".join(token for group in tokens(text) for token in group)


def _article_text(article) -> tuple[str, str]:
    body = chinese.strip_tags(article.body_hant or article.body)
    return document(f"{article.title_hant} {article.summary_hant}"), document(html.unescape(body))


# --- writing the index ----------------------------------------------------------------------


def insert_rows(articles: Iterable) -> None:
    """Index these articles, not indexed yet (``unindex_articles`` first): anything with ``pk``, ``title_hant``,
    ``summary_hant``, ``body_hant`` and ``body``, a historical model in a migration too, whose row is in the database.

    Each row also records whether the article is listed, read from the database's own ``listed_at`` (the one home of
    that rule): the readers' search ranks among listed articles, so a thousand newer drafts that match a word never
    crowd the stories readers can see out of its window (``ranked``)."""
    rows = [(article.pk, *_article_text(article), article.pk) for article in articles]
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.executemany(
                "INSERT INTO articles_search (article_id, document, listed) SELECT %s, "
                "setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D'), "
                "listed_at IS NOT NULL FROM articles_article WHERE id = %s",
                rows,
            )
        else:
            cursor.executemany(
                "INSERT INTO articles_search (rowid, title, body, listed) "
                "SELECT %s, %s, %s, listed_at IS NOT NULL FROM articles_article WHERE id = %s",
                rows,
            )


def index_articles(article_ids: Iterable[int]) -> None:
    """Bring the index rows of these articles up to date (every status: the public search filters by its own)."""
    ids = list(article_ids)
    if not ids:
        return
    articles = Article.objects.filter(pk__in=ids).only("pk", "title_hant", "summary_hant", "body_hant", "body")
    with transaction.atomic():
        unindex_articles(ids)  # the rows of ids that are no longer articles go too
        insert_rows(articles)


def unindex_articles(article_ids: Iterable[int]) -> None:
    """Remove these articles from the index (they are being deleted)."""
    ids = list(article_ids)
    if not ids:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DELETE FROM articles_search WHERE article_id = ANY(%s)", [ids])
        else:
            cursor.executemany("DELETE FROM articles_search WHERE rowid = %s", [[pk] for pk in ids])


def rebuild(batch_size: int = 1000, progress=None) -> int:
    """Re-index every article; returns how many."""
    ids = list(Article.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM articles_search")
    for start in range(0, len(ids), batch_size):
        index_articles(ids[start:start + batch_size])
        if progress:
            progress(min(start + batch_size, len(ids)), len(ids))
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE articles_search")  # fresh statistics for the planner's index choice
    return len(ids)


# --- querying -----------------------------------------------------------------------------


def _fts5_query(groups: list[list[str]]) -> str:
    parts = []
    for group in groups:
        phrase = '"' + " ".join(token.replace('"', '""') for token in group) + '"'
        if len(group) == 1 and len(group[0]) == 1 and _CJK_RUN.fullmatch(group[0]):
            phrase += "*"  # one character: the pairs that start with it
        parts.append(phrase)
    return " AND ".join(parts)


def _tsquery(groups: list[list[str]], *, phrase: bool = True) -> str:
    """The query as phrases of pairs, or (``phrase=False``) as all of its pairs in any order: the GIN index
    answers the second alone, while a phrase makes PostgreSQL re-read every candidate's document."""
    parts = []
    for group in groups:
        words = ["'" + token.replace("'", "''").replace("\\", "") + "'" for token in group]
        if len(group) == 1 and len(group[0]) == 1 and _CJK_RUN.fullmatch(group[0]):
            parts.append(words[0] + ":*")
        else:
            parts.append("(" + (" <-> " if phrase else " & ").join(words) + ")")
    return " & ".join(parts)


def ranked(query: str) -> list[tuple[int, float]]:
    """``(article id, score)`` of listed articles matching ``query`` (either script); lower scores rank first. The
    caller still filters through ``published()`` (a scheduled time to come, a lapsed permission).

    Relevance is computed among the newest ``RANK_WINDOW`` listed matches (drafts never take a place in it): for a
    news site a very common word should not make every request score the whole archive, and an old story that
    matches a common word is rarely what a reader wants first. Rarer queries (fewer matches) are ranked in full.
    """
    groups = tokens(chinese.to_hant(query))
    if not groups:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Documents live in TOAST, which the planner does not price: left to itself it detoasts row after
            # row (a sequential scan, or walking the newest ids backwards through a filter), 20-260 ms at
            # 100,000 articles. The GIN index answers "has all these pairs" without reading any document, so
            # the window comes from the index alone, and only its rows are read to check the phrase and rank.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
            cursor.execute(
                "SELECT article_id FROM articles_search WHERE document @@ to_tsquery('simple', %s) AND listed "
                "ORDER BY article_id DESC LIMIT %s",
                [_tsquery(groups, phrase=False), RANK_WINDOW],
            )
            window = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT article_id, -ts_rank(document, q) AS score FROM articles_search, to_tsquery('simple', %s) q "
                "WHERE article_id = ANY(%s) AND document @@ q ORDER BY score LIMIT %s",
                [_tsquery(groups), window, MAX_RESULTS],
            )
        else:
            match = _fts5_query(groups)
            cursor.execute(
                "SELECT rowid FROM articles_search WHERE articles_search MATCH %s AND listed = 1 "
                "ORDER BY rowid DESC LIMIT 1 OFFSET %s",
                [match, RANK_WINDOW - 1],
            )
            floor = cursor.fetchone()
            cursor.execute(
                "SELECT rowid, bm25(articles_search, %s, 1.0) AS score FROM articles_search "
                "WHERE articles_search MATCH %s AND listed = 1 AND rowid >= %s ORDER BY score LIMIT %s",
                [TITLE_WEIGHT, match, floor[0] if floor else 0, MAX_RESULTS],
            )
        return [(row[0], float(row[1])) for row in cursor.fetchall()]


def _is_one_character(group: list[str]) -> bool:
    return len(group) == 1 and len(group[0]) == 1 and bool(_CJK_RUN.fullmatch(group[0]))


def _title_fts5_query(groups: list[list[str]]) -> str:
    """Like ``_fts5_query``, in the title column only, and a Latin word matches the words it begins (``gpt`` finds
    ``gpt-4o``), as the editors' old substring search did."""
    parts = []
    for group in groups:
        phrase = '"' + " ".join(token.replace('"', '""') for token in group) + '"'
        if _is_one_character(group) or not _CJK_RUN.fullmatch(group[0]):
            phrase += "*"
        parts.append(phrase)
    return "{title} : (" + " AND ".join(parts) + ")"


def _title_tsquery(groups: list[list[str]]) -> str:
    """Like ``_tsquery``, in the title (weight A) only, a Latin word matching the words it begins."""
    parts = []
    for group in groups:
        words = ["'" + token.replace("'", "''").replace("\\", "") + "'" for token in group]
        if _is_one_character(group) or not _CJK_RUN.fullmatch(group[0]):
            parts.append(words[0] + ":*A")
        else:
            parts.append("(" + " <-> ".join(word + ":A" for word in words) + ")")
    return " & ".join(parts)


def title_matches(query: str, *, union: QuerySet | None = None) -> RawSQL | None:
    """The ids of the articles, whatever their status, whose title or summary holds every word of ``query`` (either
    script), as a subquery for ``pk__in``; None when ``query`` has no word to look for (only punctuation).

    ``union``: a ``values("pk")`` queryset whose ids the subquery returns as well. One list of ids is looked up once
    per row where two ORed lists are looked up twice (about a third of the time of a status-filtered search).
    """
    groups = tokens(chinese.to_hant(query))
    if not groups:
        return None
    if connection.vendor == "postgresql":
        sql = "SELECT article_id FROM articles_search WHERE document @@ to_tsquery('simple', %s)"
        params = [_title_tsquery(groups)]
    else:
        sql = "SELECT rowid FROM articles_search WHERE articles_search MATCH %s"
        params = [_title_fts5_query(groups)]
    if union is not None:
        other_sql, other_params = union.order_by().query.sql_with_params()
        sql, params = f"{sql} UNION ALL {other_sql}", [*params, *other_params]
    return RawSQL(sql, params)  # noqa: S611 - our SQL and a compiled queryset; every value is a parameter


# --- snippets ---------------------------------------------------------------------------------


def snippet(text: str, needles: Iterable[str], width: int = 60) -> str:
    """Escaped plain-text excerpt around the first match, with matches wrapped in <mark>."""
    plain = re.sub(r"\s+", " ", html.unescape(chinese.strip_tags(text))).strip()
    needles = sorted({n for n in needles if n}, key=len, reverse=True)
    found = next((m for m in (re.search(re.escape(n), plain, re.IGNORECASE) for n in needles) if m), None)
    start = max(0, found.start() - width // 2) if found else 0
    excerpt = plain[start:start + width * 2]
    escaped = html.escape(excerpt)
    for needle in needles:
        escaped = re.sub(re.escape(html.escape(needle)), lambda m: f"<mark>{m.group(0)}</mark>", escaped,
                         flags=re.IGNORECASE)
    return ("…" if start else "") + escaped + ("…" if start + width * 2 < len(plain) else "")
