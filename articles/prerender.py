"""Article pages rendered when they change, not when they are read.

The article page is the page readers open most, and nearly all of it is settled when the article is written:
the article itself, its tags, source and picture, and its precomputed related list. So every listed article's
page is rendered in both scripts when any of that changes and stored (``ArticlePage``), with the article's card
for the lists; a reader's request that the page cache cannot answer costs one indexed query and three string
substitutions instead of a dozen queries' worth of ORM work and a template render:

* the site's origin (scheme and host) in canonical, OpenGraph, JSON-LD and share URLs — pages are rendered
  for ``origin()`` and served for whichever allowed host asked;
* the share total, which changes with every click (``SHARE_TOTAL_MARK``), and the footer's year (``YEAR_MARK``).

What re-renders a page (after commit, before the page cache drops it, so no reader can cache the old one):
* the article changes (``articles.events``) — publish, edit, retag, unpublish (which deletes its pages);
* its related list changes (``articles.related``), or an article that list shows changes (``on_article_changed``);
* a tag, source or picture it shows is edited (``refresh_showing``) or deleted (``before_delete``);
* new renditions of its picture (``services.renditions_ensure``).
Bulk work runs inside ``deferred()``, which renders each page once at the end.

A deploy that changes templates, template tags, the Python that shapes a page, settings, translations or static
files changes ``build()``, a digest of them: a page from another build is never served (the view renders live, as
for a page not stored yet) until ``manage.py render_pages`` has rendered it again.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import threading
from collections.abc import Iterable, Iterator
from importlib.metadata import version as _version
from pathlib import Path
from urllib.parse import quote

import django
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from articles import chinese

logger = logging.getLogger(__name__)

SHARE_TOTAL_MARK = "<!--newsroom:share-total-->"  # a comment: sanitised article HTML never carries one
YEAR_MARK = "<!--newsroom:year-->"  # the footer's © year, which outlives the render
# Showing it in others' lists makes a page depend on an article too; refreshes beyond this many pages
# drop the rest (served live, still correct) for `render_pages` to fill in.
SYNC_LIMIT = 200


def share_total_html(total: int) -> str:
    """The share total in the reader's script: hidden below SHARE_MIN_DISPLAY (never "0 shares"), the exact
    count in ``data-share-total`` for scripts and tools."""
    from articles.templatetags.newsroom import cn_number

    hidden = " hidden" if total < settings.SHARE_MIN_DISPLAY else ""
    # The message is ours (locale/), with its own markup; only the number is interpolated, escaped.
    number = escape(cn_number(total, translation.get_language()))
    text = gettext("分享 <strong>%(total)s</strong> 次") % {"total": number}
    return format_html('<span class="share-total" data-share-total="{}"{}>{}</span>', total, hidden, mark_safe(text))  # noqa: S308


# --- the build --------------------------------------------------------------------------------


def origin_host() -> str:
    """The host pages are rendered for: under .invalid (RFC 2606, never a real host) and named after the build,
    so article text cannot predict it and be rewritten as this site's address."""
    return f"b{build()[:16]}.prerendered.invalid"


def origin() -> str:
    return f"https://{origin_host()}"


@functools.cache
def build() -> str:
    """A digest of everything besides the data that shapes a stored page."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    # Templates and the Python that shapes what they show (models' localised fields and URLs, the selectors that
    # fetch the page, URL patterns, context processors), and the translations.
    shaping = ["models.py", "selectors.py", "urls.py", "context_processors.py", "views.py"]
    files = [*sorted((root / "templates").rglob("*.html")), *sorted((root / "articles" / "templatetags").glob("*.py")),
             Path(__file__), *[root / "articles" / name for name in shaping], root / "newsroom" / "urls.py",
             *sorted((root / "locale").rglob("*.mo"))]
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    files += [manifest] if not settings.PLAIN_STATIC and manifest.is_file() else sorted((root / "static").rglob("*.*"))
    for path in files:
        digest.update(str(path.relative_to(root) if path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes())
    for name in ("SITE_NAME", "SHARE_MIN_DISPLAY", "RELATED_ARTICLES_SHOWN", "STATIC_URL", "MEDIA_URL",
                 "PAGE_CACHE_VERSION", "LANGUAGES", "LANGUAGE_CODE", "TIME_ZONE", "USE_TZ"):
        digest.update(repr(getattr(settings, name, None)).encode())
    digest.update(f"django {django.get_version()} taggit {_version('django-taggit')}".encode())
    return digest.hexdigest()[:32]


# --- rendering and storing --------------------------------------------------------------------


def _request(path: str, language: str) -> HttpRequest:
    request = RequestFactory().get(path, secure=True)
    host = origin_host()
    request.get_host = lambda: host  # RequestFactory's host would be checked against ALLOWED_HOSTS
    request.LANGUAGE_CODE = language
    return request


def render(article, related: list, language: str) -> str:
    """The page ``article_detail`` serves, as rendered for ``origin()`` with the share total and year left open."""
    with translation.override(language):
        request = _request(article.get_absolute_url(), language)
        return render_to_string("articles/article_detail.html",
                                {"article": article, "related": related, "prerender": True}, request=request)


def render_card(article, language: str) -> str:
    """The article's card in the lists, as ``includes/list.html`` would render it (relative URLs only)."""
    with translation.override(language):
        request = _request(article.get_absolute_url(), language)
        return render_to_string("articles/includes/card.html", {"article": article}, request=request)


_deferral = threading.local()


@contextlib.contextmanager
def deferred() -> Iterator[set[int]]:
    """Collect the pages to render instead of rendering each right away, and render each one once at the end,
    then drop their cached copies. For bulk work (imports, rebuilds, glossary conversions), which touches the same
    related lists over and over. Usable as a decorator; nested uses render at the outermost end."""
    if getattr(_deferral, "ids", None) is not None:
        yield _deferral.ids
        return
    _deferral.ids = collected = set()
    try:
        yield collected
    finally:
        _deferral.ids = None
        if collected:
            from articles import pagecache

            refresh(collected)
            # Their cached copies were dropped when each change committed; a reader may have cached the old
            # stored page since.
            pagecache.invalidate(f"article:{pk}" for pk in collected)


def refresh(article_ids: Iterable[int]) -> int:
    """Render and store the pages of these articles (listed ones; the others' pages are deleted). Returns
    how many articles were rendered (0 inside ``deferred()``, which renders them later). Never raises: a page
    that cannot be rendered is deleted, and the view renders it live (and shows what is wrong) instead of
    serving an old one."""
    from articles import selectors
    from articles.models import Article, ArticlePage

    pending = getattr(_deferral, "ids", None)
    if pending is not None:
        pending.update(article_ids)
        return 0
    ids = sorted(set(article_ids))
    if not ids:
        return 0
    rendered = 0
    for pk in ids:
        try:
            if not Article.objects.listed().filter(pk=pk).exists():
                ArticlePage.objects.filter(article_id=pk).delete()
                continue
            ticket = _take_ticket(pk)
            # Read and render outside any transaction: a render never holds the database's write lock (SQLite)
            # or the article's row (a share click updates it).
            article = selectors.article_get_listed(pk=pk)
            if article is None:
                continue  # unpublished meanwhile: that change's own refresh deletes the pages
            related = selectors.article_related_list(article=article)
            pages = {language: (render(article, related, language), render_card(article, language))
                     for language in (chinese.HANT, chinese.HANS)}
            if _store(pk, ticket, pages):
                rendered += 1
        except Exception:
            logger.exception("prerender: cannot render article %s; it will be rendered live", pk)
            ArticlePage.objects.filter(article_id=pk).delete()
    return rendered


def _take_ticket(pk: int) -> int:
    """A number for this render of the article's pages, higher than any taken before (rows are made for an
    article rendered for the first time, empty and of no build, so never served)."""
    from articles.models import ArticlePage

    with transaction.atomic():
        ArticlePage.objects.bulk_create(
            [ArticlePage(article_id=pk, language=language, html="", build="", rendered_at=timezone.now())
             for language in (chinese.HANT, chinese.HANS)], ignore_conflicts=True)
        ArticlePage.objects.filter(article_id=pk).update(ticket=F("ticket") + 1)
        return ArticlePage.objects.filter(article_id=pk).values_list("ticket", flat=True).first()


def _store(pk: int, ticket: int, pages: dict[str, tuple[str, str]]) -> bool:
    """Store the render holding ``ticket``, unless a newer render started meanwhile (it reads newer data: a
    slow render never overwrites a newer one). Returns whether it was stored."""
    from articles.models import ArticlePage

    now, stamp = timezone.now(), build()
    with transaction.atomic():
        stored = [ArticlePage.objects.filter(article_id=pk, language=language, ticket=ticket)
                  .update(html=html, card=card, build=stamp, rendered_at=now)
                  for language, (html, card) in pages.items()]
        if not all(stored):
            transaction.set_rollback(True)  # both scripts or neither
            return False
    return True


def _holders(ids: Iterable[int]) -> set[int]:
    """Articles whose related lists (computed or pinned) hold any of ``ids``: they show its title, picture,
    source and date."""
    from articles.models import RelatedArticle

    return set(RelatedArticle.objects.filter(related_id__in=list(ids)).values_list("article_id", flat=True))


def articles_showing(*, tag=None, source=None, image=None) -> set[int]:
    """Listed articles whose pages show this tag, source or picture, themselves or in their related lists."""
    from articles.models import Article

    articles = Article.objects.listed()
    if tag is not None:
        articles = articles.filter(tagged_items__tag=tag)
    if source is not None:
        articles = articles.filter(Q(source=source) | Q(original_source=source) | Q(featured_image__source=source))
    if image is not None:
        articles = articles.filter(featured_image=image)
    showing = set(articles.values_list("pk", flat=True))
    return showing | _holders(showing)


def _refresh_newest(article_ids: set[int]) -> None:
    """Re-render these pages, the newest ``SYNC_LIMIT`` at once; drop the rest (served live, still correct,
    until ``render_pages``), so a tag on thousands of articles never holds an editor's request for minutes."""
    from articles.models import Article, ArticlePage

    newest = list(Article.objects.filter(pk__in=article_ids).order_by("-listed_at").values_list("pk", flat=True))
    later = newest[SYNC_LIMIT:]
    if later:
        ArticlePage.objects.filter(article_id__in=later).delete()
        logger.warning("prerender: %d pages left to render live; run `manage.py render_pages`", len(later))
    refresh(newest[:SYNC_LIMIT])


def refresh_many(article_ids: Iterable[int]) -> None:
    """Re-render these pages (``_refresh_newest``) and drop the cached pages that show these articles, lists
    included (their cards show the same tags, sources and pictures)."""
    from articles import pagecache
    from articles.events import ArticleChange

    showing = set(article_ids)
    if showing:
        _refresh_newest(showing)
        pagecache.invalidate(pagecache.article_deps([ArticleChange(article_id=pk) for pk in showing]))


def refresh_showing(*, tag=None, source=None, image=None) -> None:
    """After a tag, source or picture shown on pages was edited: those pages, rendered anew."""
    refresh_many(articles_showing(tag=tag, source=source, image=image))


def on_article_changed(changes) -> None:
    """After-commit handler (see ``articles.events``): the article's own pages, and the pages whose related lists
    show it (its title, picture, source or date may have changed, or it left or entered the public site)."""
    from articles import pagecache
    from articles.events import CARD_FIELDS
    from articles.models import Article

    ids = {change.article_id for change in changes}
    cards_now = {row[0]: row[1:] for row in Article.objects.filter(pk__in=ids).values_list("pk", *CARD_FIELDS)}
    # A body or summary edit changes nothing the lists holding the article show: they stay as they are.
    moved = {change.article_id for change in changes
             if change.old_card is None or change.old_card != cards_now.get(change.article_id)}
    holders = _holders(moved) - ids
    refresh(ids)  # their cached copies go in the page cache's own handler, which runs next
    if holders:
        _refresh_newest(holders)
        pagecache.invalidate(f"article:{pk}" for pk in holders)


def before_delete(sender, instance, **kwargs) -> None:
    """``pre_delete`` of an article, tag, picture or source (the admin deletes them directly, and deletes
    cascade): note the pages that show it now, and render them again once the deletion has committed."""
    from articles import pagecache
    from articles.events import ArticleChange
    from articles.models import Article, Image, Source, Tag

    if isinstance(instance, Article):
        # Lock the row first, as refresh() does, so a delete and a refresh never wait on each other in turn.
        list(Article.objects.select_for_update().filter(pk=instance.pk).values_list("pk"))
        showing = _holders({instance.pk}) - {instance.pk}
        gone = pagecache.article_deps([ArticleChange(article_id=instance.pk)])  # its tags and source, before
    else:
        kind = {Tag: "tag", Source: "source", Image: "image"}[type(instance)]
        showing, gone = articles_showing(**{kind: instance}), set()

    def after() -> None:
        refresh_many(showing)
        pagecache.invalidate(gone)

    transaction.on_commit(after)


# --- serving ----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _origin_forms(stamp: str) -> tuple[tuple[str, bool], ...]:
    # As written in attributes and JSON, and percent-encoded inside share addresses (per build: see origin_host).
    return ((origin(), False), (quote(origin(), safe=""), True))


def serve(request: HttpRequest, html: str, share_total: int) -> str:
    """A stored page for this request: its origin, the current share total and year."""
    here = f"{request.scheme}://{request.get_host()}"
    html = html.replace(SHARE_TOTAL_MARK, share_total_html(share_total), 1)
    html = html.replace(YEAR_MARK, str(timezone.localdate().year), 1)
    for form, encoded in _origin_forms(build()):
        html = html.replace(form, quote(here, safe="") if encoded else here)
    return html
