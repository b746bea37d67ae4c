"""What publishing tells the editor: what happened, with the live address, and a confirmation before a bulk publish.

The admin's own "修改成功" says nothing about readers. After a save that moves an article on or off the public
site (or updates a live one) the desk says what readers now see and links the live page; a bulk publish first
lists the titles it would put out, like Django's delete confirmation, so a draft titled 「（待补数据）」 is not
published by one stray click.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin import helpers
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from articles import services
from articles.models import Article

# A confirmation page lists every title it would publish; past this many, narrow the selection first.
BULK_PUBLISH_MAX = 200

LISTED = (Article.Status.PUBLISHED, Article.Status.SCHEDULED)


def live_url(request: HttpRequest, article: Article) -> str:
    """The article's address on the root (Traditional) site, absolute, whatever language the admin runs in."""
    with translation.override("zh-hant"):
        return request.build_absolute_uri(article.get_absolute_url())


def _link(url: str) -> SafeString:
    return format_html('<a href="{}" target="_blank" rel="noopener" data-live-url>{}</a>', url, url)


def outcome_message(request: HttpRequest, article: Article, old_status: str) -> SafeString | None:
    """What a save did for readers (or, sent to review, for the editors), or None for a draft saved as a draft."""
    title, new = article.title, article.status
    if new == Article.Status.PUBLISHED:
        if old_status == Article.Status.PUBLISHED:
            return format_html("已更新「{}」，讀者現在看到的是這個版本：{}。", title, _link(live_url(request, article)))
        return format_html("已發布「{}」，讀者現在可以在這裡閱讀：{}。", title, _link(live_url(request, article)))
    if new == Article.Status.SCHEDULED:
        when = timezone.localtime(article.publish_at)
        if article.publish_at <= timezone.now():
            return format_html("「{}」的排程時間已到，讀者現在可以在這裡閱讀：{}。", title,
                               _link(live_url(request, article)))
        return format_html("已排程「{}」在 {}（台北時間）發布，屆時讀者可以在這裡閱讀：{}。", title,
                           f"{when:%Y-%m-%d %H:%M}", _link(live_url(request, article)))
    if old_status in LISTED and new == Article.Status.DRAFT:
        return format_html("已下架「{}」並改回草稿，讀者已看不到這篇文章（原網址 {} 不再公開）。", title,
                           live_url(request, article))
    if new == Article.Status.ARCHIVED and old_status != Article.Status.ARCHIVED:
        return format_html("已封存「{}」，讀者已看不到這篇文章。", title)
    if new == Article.Status.REVIEW and old_status != Article.Status.REVIEW:
        return format_html("已把「{}」送審，編輯會在「待審文章」裡看到它；核准前讀者看不到。", title)
    return None


def bulk_done_message(request: HttpRequest, done: str, articles: list[Article], *, links: bool) -> SafeString:
    """「已發布 2 篇文章：「甲」（網址）、「乙」（網址）。」 — each title with its live address when ``links``."""
    if links:
        items = format_html_join("、", "「{}」（{}）", ((a.title, _link(live_url(request, a))) for a in articles))
    else:
        items = format_html_join("、", "「{}」", ((a.title,) for a in articles))
    return format_html("{} {} 篇文章：{}。", done, len(articles), items)


def confirm_bulk_publish(model_admin, request: HttpRequest, queryset) -> TemplateResponse | None:
    """The page that asks before a bulk publish: the titles that would go out, and those that cannot, with why."""
    articles = list(queryset.select_related("source", "original_source")[:BULK_PUBLISH_MAX + 1])
    if len(articles) > BULK_PUBLISH_MAX:
        model_admin.message_user(
            request, f"一次最多發布 {BULK_PUBLISH_MAX} 篇文章，請先縮小選取範圍（例如用篩選條件）。", messages.ERROR)
        return None
    ready, blocked = [], []
    for article in articles:
        problems = services.article_publish_problems(article=article)
        if problems:
            blocked.append((article, problems))
        else:
            ready.append(article)
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": "確定要發布這些文章嗎？",
        "opts": opts,
        "ready": ready,
        "blocked": blocked,
        "queryset": articles,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "action_name": "action_publish",
        "media": model_admin.media,
    }
    request.current_app = model_admin.admin_site.name
    return TemplateResponse(request, "admin/articles/article/publish_selected_confirmation.html", context)
