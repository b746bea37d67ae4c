"""Upstream updates waiting for an editor: the article list's filter and the notice on the change form.

An import never changes an article past the draft stage; upstream's new version is kept as a revision
marked ``pending_upstream``. Editors find those articles with the list filter, compare, and accept the
update with the usual "restore this revision" (``services.revision_restore``) or dismiss it
(``services.revision_dismiss_upstream``).
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import selectors
from articles.admin import history
from articles.models import Article, Revision


class PendingUpstreamFilter(admin.SimpleListFilter):
    title = "上游更新"
    parameter_name = "upstream"

    def lookups(self, request, model_admin):
        return [("pending", "有待確認的上游更新"), ("none", "沒有")]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(selectors.pending_upstream_exists())
        if self.value() == "none":
            return queryset.exclude(selectors.pending_upstream_exists())
        return queryset


def render_notice(article: Article, pending: Revision, *, can_accept: bool) -> str:
    """What the editor sees on the change form: when upstream changed, and how to compare and accept it."""
    current = selectors.article_current_revision(article=article)
    links = []
    if current is not None:
        links.append(format_html('<a href="{}" data-upstream-diff>比較上游版本與目前內容</a>',
                                 history.diff_url(article.pk, current, pending)))
    if can_accept:
        links.append(format_html('<a href="{}" data-upstream-accept>採用上游版本…</a>',
                                 reverse("admin:articles_article_revision_restore", args=[article.pk, pending.pk])))
    return format_html(
        '<div data-upstream-pending="{}">上游在 {} 匯入了新的版本（版本紀錄中標示「待確認」）。文章目前的內容不受影響，'
        "讀者看到的仍是目前的版本。{}。不採用的話，可在文章列表勾選這篇文章後執行「忽略所選文章的上游更新」。</div>",
        pending.pk, history.when(pending.created_at), format_html_join("｜", "{}", ((link,) for link in links)),
    )
