"""Importing articles: each upstream record becomes (or updates) one article, all or nothing.

The readers in ``articles.importers`` turn files and feeds into plain records; this package writes them:
``sources`` (which source a record belongs to: the one matching rule), ``article`` (one record ->
one article; upstream changes to live articles wait for an editor), ``chunks`` (a run's records in
short transactions, each record in a savepoint, new articles created together), ``lookups`` (what a
chunk's records look up again and again, asked once), ``run`` (a whole run: binding each document to a
source, counts and the report).
"""

from articles.services.imports.article import Outcome, RecordResult, article_import, content_hash
from articles.services.imports.run import ImportResult, ReportLine, articles_import
from articles.services.imports.sources import outlet_host, source_for_import, source_match

__all__ = [
    "ImportResult",
    "Outcome",
    "RecordResult",
    "ReportLine",
    "article_import",
    "articles_import",
    "content_hash",
    "outlet_host",
    "source_for_import",
    "source_match",
]
