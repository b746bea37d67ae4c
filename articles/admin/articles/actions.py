"""Bulk actions on the article list, through the same services as the form; the editors' actions are refused to
writers in words."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect

from articles import selectors, services
from articles.admin import base, publishing

# Bulk actions a writer is not offered, and what a writer who posts one anyway is told.
WRITER_REFUSALS = {
    "action_publish": "只有編輯可以發布文章；撰稿人請把文章送審。",
    "action_unpublish": "只有編輯可以下架文章。",
    "action_dismiss_upstream": "只有編輯可以處理上游更新。",
}


class ArticleActionsMixin:
    actions = ["action_submit_for_review", "action_publish", "action_unpublish", "action_dismiss_upstream"]

    def _bulk(self, request, queryset, service, done: str, *, links: bool = False) -> None:
        ok, failures = [], []
        for article in queryset:
            try:
                service(article=article, user=request.user)
                ok.append(article)
            except (ValidationError, PermissionDenied) as exc:
                failures.append(f"「{article.title}」：{base.error_text(exc)}")
        if ok:
            self.message_user(request, publishing.bulk_done_message(request, done, ok, links=links),
                              messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    def response_action(self, request, queryset):
        # The editors' actions are not offered to a writer; one posted anyway is refused in words, not ignored.
        action = request.POST.get("action", "")
        if action in WRITER_REFUSALS and not self.has_publish_permission(request):
            self.message_user(request, WRITER_REFUSALS[action], messages.ERROR)
            return redirect(request.get_full_path())
        return super().response_action(request, queryset)

    @admin.action(description="送審所選文章")
    def action_submit_for_review(self, request, queryset):
        self._bulk(request, queryset, services.article_submit_for_review, "已送審")

    @admin.action(description="發布所選文章…", permissions=["publish"])
    def action_publish(self, request, queryset):
        if request.POST.get("post") != "yes":
            return publishing.confirm_bulk_publish(self, request, queryset)
        self._bulk(request, queryset, services.article_publish, "已發布", links=True)
        return None

    @admin.action(description="下架所選文章（改回草稿）", permissions=["publish"])
    def action_unpublish(self, request, queryset):
        self._bulk(request, queryset, services.article_unpublish, "已下架")

    @admin.action(description="忽略所選文章的上游更新（維持目前內容）", permissions=["publish"])
    def action_dismiss_upstream(self, request, queryset):
        self._bulk(request, queryset.filter(selectors.pending_upstream_exists()),
                   services.revision_dismiss_upstream, "已忽略上游更新，共")
