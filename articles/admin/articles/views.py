"""The article admin's own pages: preview, revision diff and restore, the review queue and the most-shared list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import selectors, services, views
from articles.admin import base, history, publishing
from articles.models import Article, Revision
from newsroom import converters  # noqa: F401 - registers <id:...> for get_urls


class ArticleViewsMixin:
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<id:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
            path("<id:pk>/preview/zh-hans/", wrap(self.preview_view), {"language": "zh-hans"},
                 name="articles_article_preview_hans"),
            path("most-shared/", wrap(self.most_shared_view), name="articles_article_most_shared"),
            path("review/", wrap(self.review_queue_view), name="articles_article_review_queue"),
            path("review/<id:pk>/approve/", wrap(self.review_approve_view), name="articles_article_review_approve"),
            path("review/<id:pk>/send-back/", wrap(self.review_send_back_view),
                 name="articles_article_review_send_back"),
            path("<id:pk>/revisions/diff/", wrap(self.revision_diff_view), name="articles_article_revision_diff"),
            path("<id:pk>/revisions/<id:revision_pk>/restore/", wrap(self.revision_restore_view),
                 name="articles_article_revision_restore"),
            *super().get_urls(),
        ]

    def preview_view(self, request, pk: int, language: str = "zh-hant"):
        if not self.has_view_permission(request):
            raise PermissionDenied
        links = {"zh-hant": reverse("admin:articles_article_preview", args=[pk]),
                 "zh-hans": reverse("admin:articles_article_preview_hans", args=[pk])}
        return views.article_preview(request, pk, language=language, variant_links=links)

    def revision_diff_view(self, request, pk: int):
        article = get_object_or_404(Article, pk=pk)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        revisions = article.revisions.all()
        try:
            old = get_object_or_404(revisions, pk=int(request.GET.get("from", "")))
            new = get_object_or_404(revisions, pk=int(request.GET.get("to", "")))
        except ValueError:
            old, new = None, None
        if old is None:
            newest = list(revisions[:2])
            if len(newest) < 2:
                self.message_user(request, "這篇文章還沒有兩個版本可以比較。", messages.INFO)
                return redirect("admin:articles_article_change", pk)
            new, old = newest
        context = {
            **self.admin_site.each_context(request),
            "title": f"比較版本：{article.title}",
            "opts": self.model._meta,
            "article": article,
            "old": old,
            "new": new,
            "rows": history.revision_diff_rows(old, new),
            "can_restore": self.has_change_permission(request, article),
        }
        return TemplateResponse(request, "admin/articles/article/revision_diff.html", context)

    def revision_restore_view(self, request, pk: int, revision_pk: int):
        article = get_object_or_404(Article, pk=pk)
        revision = get_object_or_404(Revision, pk=revision_pk, article=article)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            try:
                services.revision_restore(revision=revision, user=request.user)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"無法還原：{base.error_text(exc)}", messages.ERROR)
            else:
                self.message_user(request, f"已把版本 {revision.version} 的內容還原為目前內容（另存為新版本）。",
                                  messages.SUCCESS)
            return redirect("admin:articles_article_change", pk)
        newest = selectors.article_current_revision(article=article)
        context = {
            **self.admin_site.each_context(request),
            "title": f"還原版本 {revision.version}：{article.title}",
            "opts": self.model._meta,
            "article": article,
            "revision": revision,
            "diff_url": history.diff_url(article.pk, newest, revision) if newest else "",
        }
        return TemplateResponse(request, "admin/articles/article/revision_restore.html", context)

    # --- review queue: editors approve or send back what writers submitted --------------
    def _require_editor(self, request) -> None:
        if not (self.has_view_permission(request) and request.user.has_perm(services.PUBLISH_PERMISSION)):
            raise PermissionDenied

    def review_queue_view(self, request):
        self._require_editor(request)
        context = {
            **self.admin_site.each_context(request),
            "title": "待審文章",
            "opts": self.model._meta,
            "articles": selectors.article_review_queue(),
        }
        return TemplateResponse(request, "admin/articles/article/review_queue.html", context)

    def review_approve_view(self, request, pk: int):
        self._require_editor(request)
        if request.method != "POST":
            return redirect("admin:articles_article_review_queue")
        article = get_object_or_404(Article, pk=pk, status=Article.Status.REVIEW)
        try:
            services.article_publish(article=article, user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"「{article.title}」無法發布：{base.error_text(exc)}", messages.ERROR)
        else:
            self.message_user(request, publishing.outcome_message(request, article, Article.Status.REVIEW),
                              messages.SUCCESS)
        return redirect("admin:articles_article_review_queue")

    def review_send_back_view(self, request, pk: int):
        self._require_editor(request)
        if request.method != "POST":
            return redirect("admin:articles_article_review_queue")
        article = get_object_or_404(Article, pk=pk, status=Article.Status.REVIEW)
        try:
            services.article_send_back(article=article, comment=request.POST.get("comment", ""), user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"「{article.title}」無法退回：{base.error_text(exc)}", messages.ERROR)
        else:
            self.message_user(request, f"已把「{article.title}」退回給撰稿人。", messages.SUCCESS)
        return redirect("admin:articles_article_review_queue")

    def most_shared_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            days = int(request.GET.get("days", "7"))
        except ValueError:
            days = 7
        days = days if days in (1, 7, 30) else 7
        context = {
            **self.admin_site.each_context(request),
            "title": "最常分享的文章",
            "opts": self.model._meta,
            "days": days,
            "periods": [(1, "過去一天"), (7, "過去 7 天"), (30, "過去 30 天")],
            "articles": selectors.article_list_most_shared(days=days),
        }
        return TemplateResponse(request, "admin/articles/article/most_shared.html", context)
