"""The search index records whether each article is listed, so the readers' search ranks among the stories readers
can see (a thousand newer matching drafts no longer crowd them out of its window; see articles.search.index).

SQLite's FTS5 table cannot gain a column: it is made again with one, and every article indexed again in chunks (an
interrupted run starts over, which is safe). PostgreSQL's table gains the column, filled from ``listed_at``."""

from django.db import migrations, transaction

CHUNK = 1000


def add_listed(apps, schema_editor):
    from articles.search import index  # the text-to-document code, as the running site writes it

    Article = apps.get_model("articles", "Article")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE articles_search ADD COLUMN IF NOT EXISTS listed boolean NOT NULL DEFAULT false")
            cursor.execute("UPDATE articles_search s SET listed = (a.listed_at IS NOT NULL) FROM articles_article a "
                           "WHERE a.id = s.article_id AND a.listed_at IS NOT NULL")
            return
        cursor.execute("DROP TABLE IF EXISTS articles_search")
        cursor.execute("CREATE VIRTUAL TABLE articles_search USING fts5(title, body, listed UNINDEXED)")
        cursor.execute("SELECT id FROM articles_article ORDER BY id")
        ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic(using=connection.alias):
            index.insert_rows(Article.objects.filter(pk__in=ids[start:start + CHUNK])
                              .only("pk", "title_hant", "summary_hant", "body_hant", "body"))


class Migration(migrations.Migration):
    atomic = False  # SQLite: one transaction per chunk

    dependencies = [("articles", "0028_search_every_article")]

    # Going back leaves the column: older code writes the rows without it, and the readers' search filters by
    # status anyway.
    operations = [migrations.RunPython(add_listed, migrations.RunPython.noop)]
