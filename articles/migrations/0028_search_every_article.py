"""The search index holds every article now, whatever its status (the editors' search uses it): index the articles it
does not hold yet. Chunked, each chunk its own transaction, and only what is missing: an interrupted run resumes."""

from django.db import migrations, transaction

CHUNK = 1000


def index_missing(apps, schema_editor):
    from articles.search import index  # the text-to-document code, as the running site writes it

    Article = apps.get_model("articles", "Article")
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT id FROM articles_article a WHERE NOT EXISTS "
                           "(SELECT 1 FROM articles_search s WHERE s.article_id = a.id) ORDER BY id")
        else:
            cursor.execute("SELECT id FROM articles_article WHERE id NOT IN (SELECT rowid FROM articles_search) "
                           "ORDER BY id")
        missing = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(missing), CHUNK):
        chunk = missing[start:start + CHUNK]
        rows = [(article.pk, *index._article_text(article)) for article in Article.objects.filter(pk__in=chunk)
                .only("pk", "title_hant", "summary_hant", "body_hant", "body")]
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            index.unindex_articles(chunk)
            # The table as this migration finds it (0029 adds a column): its own INSERT, not today's insert_rows.
            if connection.vendor == "postgresql":
                cursor.executemany(
                    "INSERT INTO articles_search (article_id, document) VALUES "
                    "(%s, setweight(to_tsvector('simple', %s), 'A') || setweight(to_tsvector('simple', %s), 'D'))",
                    rows,
                )
            else:
                cursor.executemany("INSERT INTO articles_search (rowid, title, body) VALUES (%s, %s, %s)", rows)


class Migration(migrations.Migration):
    atomic = False  # one transaction per chunk

    dependencies = [("articles", "0027_search_lookup_indexes")]

    # Going back leaves the extra rows: the public search filters by status anyway.
    operations = [migrations.RunPython(index_missing, migrations.RunPython.noop)]
