"""RSS 2.0 and Atom feeds: latest articles, per tag and per source, in the reader's script variant."""

from __future__ import annotations

import contextvars

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponsePermanentRedirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import get_language

from articles import selectors
from articles.caching import pagecache
from articles.context_processors import _site_name
from articles.models import Article, Source, Tag

# The request being answered, for absolute image URLs inside item bodies (feed objects are shared).
_request: contextvars.ContextVar = contextvars.ContextVar("feed_request")
# The tag or source a per-tag or per-source feed was asked for, found once by its slug.
_about: contextvars.ContextVar = contextvars.ContextVar("feed_about")


class CachedFeedMixin:
    """Feeds are public pages too: cacheable, and dropped when an article they list changes."""

    def __call__(self, request, *args, **kwargs):
        token = _request.set(request)
        try:
            response = super().__call__(request, *args, **kwargs)
        finally:
            _request.reset(token)
        response["Cache-Control"] = f"public, max-age={settings.PAGE_MAX_AGE}"
        # Every list (feeds included) depends on list:all, which every article, tag, source and picture change
        # stamps: what a feed shows can never outlive an edit (articles.caching.freshness).
        return pagecache.cacheable(response, ["list:all"])


class LatestArticlesFeed(CachedFeedMixin, Feed):
    feed_type = Rss201rev2Feed

    def title(self, obj=None) -> str:
        return settings.SITE_NAME

    def link(self, obj=None) -> str:
        return obj.get_absolute_url() if obj is not None else "/"

    def description(self, obj=None) -> str:
        return f"{settings.SITE_NAME} 最新文章"

    def items(self, obj=None):
        return list(selectors.article_list_published()[: settings.FEED_ITEMS])

    def item_title(self, item: Article) -> str:
        return item.localized("title", get_language())

    def item_description(self, item: Article) -> str:
        language = get_language()
        request = _request.get(None)
        image_url = item.featured_image.file.url if item.featured_image_id else ""
        return render_to_string("articles/feed_item.html", {
            "article": item,
            "image_url": request.build_absolute_uri(image_url) if request and image_url else image_url,
            "body": item.localized("body" if settings.FEED_FULL_TEXT else "summary", language),
            "language": language,
            "SITE_NAME": _site_name(settings.SITE_NAME, language),
        })

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_guid(self, item: Article) -> str:
        return item.get_absolute_url()

    def item_pubdate(self, item: Article):
        return item.publish_at

    def item_updateddate(self, item: Article):
        return item.updated_at

    def item_author_name(self, item: Article) -> str:
        return item.localized("author", get_language()) or None

    def item_categories(self, item: Article):
        language = get_language()
        return [tag.localized_name(language) for tag in selectors.article_tags(item)]

    def item_copyright(self, item: Article) -> str:
        return item.localized("copyright", get_language()) or None

    def item_enclosure_url(self, item: Article):
        if not item.featured_image_id:
            return None
        request = _request.get(None)
        url = item.featured_image.file.url
        return request.build_absolute_uri(url) if request else url

    def item_enclosure_length(self, item: Article):
        return item.featured_image.file.size if item.featured_image_id else None

    def item_enclosure_mime_type(self, item: Article):
        if not item.featured_image_id:
            return None
        return f"image/{(item.featured_image.format or 'jpeg').lower()}"


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class _AboutFeed(LatestArticlesFeed):
    """The latest articles with one tag or from one source (``model``), found by slug."""

    model: type[Tag] | type[Source]
    url_name: str

    def __call__(self, request, *args, **kwargs):
        # An old slug (or one typed in Simplified) answers 301 to the feed's address, as its page does.
        found, moved = self.model.for_slug(kwargs.get("slug", ""))
        if found is None:
            raise Http404("沒有這個標籤或來源。")
        if moved:
            return HttpResponsePermanentRedirect(reverse(self.url_name, kwargs={"slug": found.slug}))
        token = _about.set(found)
        try:
            return super().__call__(request, *args, **kwargs)
        finally:
            _about.reset(token)

    def get_object(self, request, slug: str) -> Tag | Source:
        return _about.get()

    def title(self, obj: Tag | Source) -> str:
        return f"{settings.SITE_NAME}：{obj.localized_name(get_language())}"


class TagFeed(_AboutFeed):
    model = Tag
    url_name = "articles:tag_feed"

    def items(self, obj: Tag):
        return list(selectors.article_list_for_tag(tag=obj)[: settings.FEED_ITEMS])


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    url_name = "articles:tag_feed_atom"
    subtitle = LatestArticlesFeed.description


class SourceFeed(_AboutFeed):
    model = Source
    url_name = "articles:source_feed"

    def items(self, obj: Source):
        return list(selectors.article_list_for_source(source=obj)[: settings.FEED_ITEMS])


class SourceAtomFeed(SourceFeed):
    feed_type = Atom1Feed
    url_name = "articles:source_feed_atom"
    subtitle = LatestArticlesFeed.description
