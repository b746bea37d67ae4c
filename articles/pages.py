"""Article pages rendered when they change, not when they are read.

The article page is the page readers open most, and nearly all of it is settled when the article is written:
the article itself, its tags, source and picture, and its precomputed related list. So every listed article's
page is rendered in both scripts when any of that changes and stored (``ArticlePage``), with the article's card
for the lists; a reader's request that the page cache cannot answer costs one indexed query and three string
substitutions instead of a dozen queries' worth of ORM work and a template render:

* the site's origin (scheme and host) in canonical, OpenGraph, JSON-LD and share URLs — pages are rendered
  for ``origin()`` and served for whichever allowed host asked;
* the share total, which changes with every click (``SHARE_TOTAL_MARK``), and the footer's year (``YEAR_MARK``).

When a page is outdated: any write that changes what it shows gives its article a new ``page_version`` inside
the write's transaction (``articles.caching.freshness``), and a stored page is served only while its ``version``
equals that number. So freshness does not depend on when (or whether) the page is rendered again: outdated pages
are rendered in the background (``render_outdated_pages``, a task coalesced into one pending run that renders every
outdated page, newest first, however many there are), and until then the view renders them live.

A deploy that changes templates, template tags, the Python that shapes a page, settings, translations or static
files changes the build (``articles.caching.build``): a page from another build is never served (the view renders
live, as for a page not stored yet) until ``manage.py render_pages`` has rendered it again.
"""

from __future__ import annotations

import functools
import logging
from urllib.parse import quote

from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from articles import events, jobs, selectors
from articles.caching.build import build
from articles.models import ArticlePage
from articles.templatetags.newsroom import SHARE_TOTAL_MARK, YEAR_MARK, share_total_html
from articles.text import chinese

logger = logging.getLogger(__name__)

RENDER_BATCH = 100



def origin_host() -> str:
    """The host pages are rendered for: under .invalid (RFC 2606, never a real host) and named after the build,
    so article text cannot predict it and be rewritten as this site's address."""
    return f"b{build()[:16]}.prerendered.invalid"


def origin() -> str:
    return f"https://{origin_host()}"



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


def render_article(pk: int) -> bool:
    """Render and store both scripts' pages of one article (a listed one; the others' pages are deleted). Returns
    whether it stored them. Never raises: a page that cannot be rendered stays outdated, and the view renders it
    live (and shows what is wrong) instead of serving an old one."""
    try:
        # The version is read before anything the page shows: a write after this read makes it outdated, so a
        # render of older data can only ever be stored under a version that is already dead.
        version = selectors.article_page_version(pk=pk)
        if version is None:
            ArticlePage.objects.filter(article_id=pk).delete()
            return False
        # Read and render outside any transaction: a render never holds the database's write lock (SQLite) or the
        # article's row (a share click updates it).
        article = selectors.article_get_listed(pk=pk)
        if article is None:
            return False
        related = selectors.article_related_list(article=article)
        pages = {language: (render(article, related, language), render_card(article, language))
                 for language in (chinese.HANT, chinese.HANS)}
        return _store(pk, version, pages)
    except Exception:
        logger.exception("stored pages: cannot render article %s; it will be rendered live", pk)
        return False


def _store(pk: int, version: int, pages: dict[str, tuple[str, str]]) -> bool:
    """Store the pages rendered for ``version`` unless pages of a newer version are stored already (a slow render
    never replaces a newer one). Both scripts or neither."""
    now, stamp = timezone.now(), build()
    with transaction.atomic():
        ArticlePage.objects.bulk_create(
            [ArticlePage(article_id=pk, language=language, html="", build="", version=0, rendered_at=now)
             for language in pages], ignore_conflicts=True)
        stored = [ArticlePage.objects.filter(article_id=pk, language=language, version__lte=version)
                  .update(html=html, card=card, build=stamp, version=version, rendered_at=now)
                  for language, (html, card) in pages.items()]
        if not all(stored):
            transaction.set_rollback(True)
            return False
    return True


def render_outdated(*, limit: int | None = None, progress=None) -> int:
    """Render every listed article whose stored pages are missing or outdated, newest first; returns how many.
    Each round asks the database again, so pages outdated while it runs are rendered too, and none is dropped."""
    # Pages of articles taken off the site are never served (published() excludes them); they are not kept either.
    ArticlePage.objects.filter(article__listed_at__isnull=True).delete()
    done, failed = 0, set()
    while limit is None or done < limit:
        ids = [pk for pk in selectors.article_ids_to_render(newest=None, batch=RENDER_BATCH + len(failed))
               if pk not in failed][:RENDER_BATCH]
        if not ids:
            break
        for pk in ids:
            if render_article(pk):
                done += 1
            else:
                failed.add(pk)  # rendered live until the next run; not retried in this one
        if progress is not None:
            progress(done)
    return done


def queue_render() -> None:
    """Render the outdated pages in the background: one pending job at a time renders them all."""
    jobs.enqueue(render_outdated_pages, key="pages:render-outdated")


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


def render_articles(article_ids) -> int:
    """Render these articles' pages now (``render_article`` each, once); returns how many were stored."""
    return sum(render_article(pk) for pk in sorted(set(article_ids)))


@jobs.task()
def render_outdated_pages() -> int:
    """Render every stored article page that is missing or outdated."""
    return render_outdated()


def _queue_after_change(sender, change: events.Changed, **kwargs) -> None:
    """``events.committed``: the pages outdated by the change (``articles.caching.freshness``), rendered again."""
    queue_render()


def connect() -> None:
    events.committed.connect(_queue_after_change, dispatch_uid="pages-render")
