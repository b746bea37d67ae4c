"""The search index: FTS5 on SQLite, a GIN-indexed tsvector table on PostgreSQL (see articles/search.py)."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            # No foreign key: the index is derived data, rows of deleted articles are filtered out at query
            # time (and replaced on the next write), and Django's test flush must be able to truncate articles.
            "CREATE TABLE IF NOT EXISTS articles_search (article_id bigint PRIMARY KEY, document tsvector NOT NULL)"
        )
        schema_editor.execute("CREATE INDEX IF NOT EXISTS articles_search_document ON articles_search USING gin (document)")
    else:
        schema_editor.execute("CREATE VIRTUAL TABLE IF NOT EXISTS articles_search USING fts5(title, body)")
    # Articles already on the site are indexed by `manage.py rebuild_search` (see the README).


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS articles_search")


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_listed_at")]

    operations = [migrations.RunPython(create, drop)]
