"""The article list's columns: title, status, source, reprint permission, last update and shares, readable at
1280 px (``static/css/admin-desk.css``) from the row and its ``list_select_related`` sources alone."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html

from articles.admin import history
from articles.models import Article, Source

STATUS_COLOURS = {
    Article.Status.DRAFT: "#6b7280",
    Article.Status.REVIEW: "#b45309",
    Article.Status.SCHEDULED: "#1d4ed8",
    Article.Status.PUBLISHED: "#15803d",
    Article.Status.ARCHIVED: "#374151",
}


class SearchResultsPaginator(Paginator):
    """A search's results counted up to ``CAP``: counting every match of a common word (23,000 of 100,000 articles)
    walks the whole status index, about half of a search's server time, for a number no editor acts on (they narrow
    the search). The list then says 「超過 1,000 筆」 (``capped``) and pages through the first thousand."""

    CAP = 1000
    capped = False

    @cached_property
    def count(self) -> int:
        found = self.object_list[: self.CAP + 1].count()  # stops at the CAP + 1st match, in the list's own order
        self.capped = found > self.CAP
        return min(found, self.CAP)


class ArticleListColumnsMixin:
    """For ``ArticleAdmin``: the columns of ``list_display`` that are not plain fields."""

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        if request.GET.get(SEARCH_VAR, "").strip():
            return SearchResultsPaginator(queryset, per_page, orphans, allow_empty_first_page)
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    # Two screens of rows at 1280 px; Django's 100 doubled the time of every list page (each row is rendered cell by
    # cell in Python) for rows below the second screen that an editor reaches faster by searching.
    list_per_page = 50

    def action_checkbox(self, obj: Article) -> str:
        """The row's selection box, written out: Django renders a widget template for every row (about a third of the
        list's server time at 100,000 articles). Same name, value, class and label, so the actions work as before."""
        return format_html('<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
                           helpers.ACTION_CHECKBOX_NAME, obj.pk, f"選取「{obj}」以執行動作")

    @admin.display(description="標題", ordering="title")
    def title_column(self, obj: Article) -> str:
        # The full title on hover: the list shows at most two lines of it (admin-desk.css).
        return format_html('<span class="desk-title" title="{}">{}</span>', obj.title, obj.title)

    @admin.display(description="狀態", ordering="status")
    def status_badge(self, obj: Article) -> str:
        label = obj.get_status_display()
        if obj.status == Article.Status.SCHEDULED and obj.is_public:
            label = "已發布（排程到期）"
        pill = format_html('<span class="desk-pill" style="background:{}">{}</span>',
                           STATUS_COLOURS.get(obj.status, "#6b7280"), label)
        return format_html("{}{}", pill, self.upstream_badge(obj))

    @admin.display(description="上游更新", ordering="-has_pending_upstream")
    def upstream_badge(self, obj: Article) -> str:
        if not getattr(obj, "has_pending_upstream", False):
            return ""
        return format_html('<span class="desk-pill desk-pill-warn" data-upstream-badge>{}</span>', "上游更新待確認")

    @admin.display(description="轉載授權")
    def permission_state(self, obj: Article) -> str:
        problems = obj.reprint_problems()
        if problems:
            return format_html('<span class="desk-permission desk-permission-blocked" title="{}" '
                               'data-permission-state="blocked">{}</span>', "".join(problems), "不能發布")
        sources = [s for s in (obj.source, obj.original_source) if s is not None]
        if not sources:
            label = "本站原創"
        elif expiries := [s.permission_expires for s in sources
                          if s.reprint_permission == Source.Permission.GRANTED and s.permission_expires]:
            label = f"授權至 {min(expiries):%Y-%m-%d}"
        else:
            label = sources[0].get_reprint_permission_display()
        return format_html('<span class="desk-permission" data-permission-state="ok">{}</span>', label)

    @admin.display(description="更新", ordering="updated_at")
    def updated(self, obj: Article) -> str:
        who = history.who(obj.updated_by) if obj.updated_by_id else "系統"
        return format_html('<span class="desk-updated">{}<br><small>{}</small></span>',
                           history.when(obj.updated_at), who)
