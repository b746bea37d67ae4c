"""Sitemaps for crawlers: every published article, tag and source in both variants with hreflang
alternates, and a Google News sitemap of the last 48 hours."""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.context_processors import _site_name
from articles.models import Article, Source, Tag, TaggedArticle


class _Bilingual(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    protocol = None  # the request's scheme


class ArticleSitemap(_Bilingual):
    changefreq = "daily"
    priority = 0.8
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-listed_at", "-id").only("id", "slug", "updated_at")

    def lastmod(self, item: Article):
        return item.updated_at


class TagSitemap(_Bilingual):
    changefreq = "daily"
    priority = 0.4
    limit = 5000

    def items(self):
        listed = Article.objects.published().filter(pk=OuterRef("content_object_id"))
        used = TaggedArticle.objects.filter(tag=OuterRef("pk")).filter(Exists(listed))
        return Tag.objects.filter(Exists(used)).order_by("pk")


class SourceSitemap(_Bilingual):
    changefreq = "daily"
    priority = 0.4

    def items(self):
        return Source.objects.filter(Exists(Article.objects.published().filter(source=OuterRef("pk")))).order_by("pk")


class NewsSitemap(Sitemap):
    """Google News: articles published in the last 48 hours, each variant its own entry."""

    limit = 1000

    def items(self):
        since = timezone.now() - datetime.timedelta(hours=48)
        return list(Article.objects.published().filter(listed_at__gte=since).order_by("-listed_at"))

    def location(self, item: Article) -> str:
        return item.get_absolute_url()


SITEMAPS = {"articles": ArticleSitemap, "tags": TagSitemap, "sources": SourceSitemap}


def news_entries(request, articles) -> list[dict]:
    """Google News entries: each article in both variants."""
    from django.conf import settings
    from django.utils import translation

    entries = []
    for language, code in (("zh-hant", "zh-tw"), ("zh-hans", "zh-cn")):
        with translation.override(language):
            for article in articles:
                entries.append({
                    "loc": request.build_absolute_uri(article.get_absolute_url()),
                    "site_name": _site_name(settings.SITE_NAME, language),
                    "language": code,
                    "date": article.publish_at,
                    "title": article.localized("title", language),
                })
    return entries
