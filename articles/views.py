"""Public pages. Thin: selectors fetch, templates render, headers say how long to cache."""

from __future__ import annotations

from django.conf import settings
from django.contrib.sitemaps import views as sitemap_views
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles import pages, selectors, sitemaps
from articles.caching.freshness import article_page_deps
from articles.caching.pagecache import cacheable
from articles.models import Source, Tag
from articles.selectors.pagination import paginate
from articles.text import chinese


def _public(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, public=True, max_age=settings.PAGE_MAX_AGE)
    return response


def _page(request: HttpRequest, queryset):
    return paginate(queryset, request.GET.get("page"))


def _cards(request: HttpRequest, articles, *, count: bool = False):
    return selectors.article_cards_page(articles=articles, page=request.GET.get("page"), language=request.LANGUAGE_CODE,
                                        count=count)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    page = _cards(request, selectors.article_list_published())
    response = render(request, "articles/home.html", {"page": page})
    return cacheable(_public(response), ["list:all"])


@require_safe
def article_detail(request: HttpRequest, pk: int, slug: str | None = None) -> HttpResponse:
    stored = selectors.article_page_stored(pk=pk, language=request.LANGUAGE_CODE)
    if stored is not None:  # rendered from its current version (articles.pages): one query
        if slug != stored.slug:
            return redirect(reverse("articles:detail", kwargs={"pk": pk, "slug": stored.slug}), permanent=True)
        response = HttpResponse(pages.serve(request, stored.html, stored.share_total))
        return cacheable(_public(response), article_page_deps(pk))
    # Not stored yet, outdated (its render is queued), or stored by an earlier deploy's templates: render it here.
    article = selectors.article_get_public(pk=pk)
    if article is None:
        raise Http404("沒有這篇文章。")
    if slug != article.slug:
        return redirect(article, permanent=True)
    related = selectors.article_related_list(article=article)
    response = render(request, "articles/article_detail.html", {"article": article, "related": related})
    return cacheable(_public(response), article_page_deps(pk))


@never_cache
def article_preview(request: HttpRequest, pk: int, *, language: str = chinese.HANT,
                    variant_links: dict[str, str] | None = None) -> HttpResponse:
    """An editor's preview of any article exactly as readers of ``language`` will see it (never cached).

    The preview lives outside the language-prefixed URLs, so the caller names the script and where the page's
    繁體／简体 links lead (``variant_links``: each script's preview)."""
    article = selectors.article_get_for_preview(pk=pk)
    if article is None:
        raise Http404("沒有這篇文章。")
    request.LANGUAGE_CODE = language
    with translation.override(language):
        return render(request, "articles/article_detail.html",
                      {"article": article, "preview": True, "variant_links": variant_links})


@require_safe
def tag_detail(request: HttpRequest, slug: str) -> HttpResponse:
    tag, moved = Tag.for_slug(slug)
    if tag is None:
        raise Http404("沒有這個標籤。")
    if moved:  # an old slug, or one typed in Simplified (比特币 finds the tag stored as 比特幣)
        return redirect(tag, permanent=True)
    page = _cards(request, selectors.article_list_for_tag(tag=tag), count=True)
    response = render(request, "articles/tag_detail.html", {"tag": tag, "page": page})
    return cacheable(_public(response), ["list:all"])


@require_safe
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source, moved = Source.for_slug(slug)
    if source is None:
        raise Http404("沒有這個來源。")
    if moved:  # an old slug (a Simplified one from before slugs were Traditional, or one an editor changed)
        return redirect(source, permanent=True)
    page = _cards(request, selectors.article_list_for_source(source=source), count=True)
    response = render(request, "articles/source_detail.html", {"source": source, "page": page})
    return cacheable(_public(response), ["list:all"])


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    with chinese.one_glossary():
        results = selectors.article_search(query=query) if query else None
        page = _page(request, results) if results is not None else None
        if page is not None:  # the ranked ids are already in hand: counting them costs no query
            page.total, page.total_more = len(results.ids), results.capped
        # The query (not the articles) is converted, so its words can be marked in the reader's script.
        needles = [chinese.to_script(word, request.LANGUAGE_CODE) for word in query.split()]
    response = render(request, "articles/search.html", {"query": query, "page": page, "needles": needles})
    return cacheable(_public(response), ["list:all"])


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        f"Disallow: {reverse('articles:search')}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_index'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap_news'))}",
    ]
    return _public(HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8"))


@require_safe
def sitemap_index(request: HttpRequest) -> HttpResponse:
    response = sitemap_views.index(request, sitemaps.SITEMAPS, sitemap_url_name="sitemap_section")
    return cacheable(_public(response), ["list:all"])


@require_safe
def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    response = sitemap_views.sitemap(request, sitemaps.SITEMAPS, section=section)
    response.render()
    return cacheable(_public(response), ["list:all"])


@require_safe
def news_sitemap(request: HttpRequest) -> HttpResponse:
    entries = sitemaps.news_entries(request, sitemaps.NewsSitemap().items())
    response = render(request, "sitemaps/news.xml", {"entries": entries}, content_type="application/xml")
    return cacheable(_public(response), ["list:all"])


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
