from django.db import migrations, models


class Migration(migrations.Migration):
    """Stored pages are valid only for the article's current page_version (articles.caching.freshness); the render
    tickets they replace are gone. Pages stored before this have version 0 and articles start at 1: all outdated,
    rendered again by the background worker or `render_pages`."""

    dependencies = [
        ("articles", "0015_article_page_ticket"),
    ]

    operations = [
        migrations.RemoveField(model_name="articlepage", name="ticket"),
        migrations.AddField(
            model_name="articlepage",
            name="version",
            field=models.PositiveBigIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="articlepage",
            name="deps",
            field=models.TextField(blank=True, default="", help_text="What the page shows, as page-cache dependencies."),
        ),
        migrations.AddField(
            model_name="article",
            name="page_version",
            field=models.PositiveBigIntegerField(default=1, editable=False),
        ),
    ]
