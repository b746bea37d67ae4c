"""Helpers for tests of stored pages (articles.prerender): the live render to compare a stored page with."""

from django.utils import translation

from articles.models import Article, ArticlePage


def live(client, url, **extra) -> str:
    """The page as the view renders it when nothing is stored (the stored rows are put back afterwards)."""
    saved = list(ArticlePage.objects.all())
    ArticlePage.objects.all().delete()
    try:
        return client.get(url, **extra).content.decode()
    finally:
        ArticlePage.objects.bulk_create(saved)


def url_in(language: str, article: Article) -> str:
    """The article's address in one script, whatever language the last request left active."""
    with translation.override(language):
        return article.get_absolute_url()
