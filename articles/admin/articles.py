"""Articles: the form, the list, bulk workflow actions, preview and the most-shared view."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from articles import selectors, services, views
from articles.admin import base, history, mainland, upstream
from articles.admin.related import RelatedArticleInline
from articles.forms import ArticleAdminForm
from articles.models import Article, Revision
from newsroom import converters  # noqa: F401 - registers <id:...> for get_urls

STATUS_COLOURS = {
    Article.Status.DRAFT: "#6b7280",
    Article.Status.REVIEW: "#b45309",
    Article.Status.SCHEDULED: "#1d4ed8",
    Article.Status.PUBLISHED: "#15803d",
    Article.Status.ARCHIVED: "#374151",
}


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@admin.register(Article)
class ArticleAdmin(mainland.MainlandFixMixin, base.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["thumbnail", "title", "status_badge", "upstream_badge", "source", "publish_at", "tag_list",
                    "updated_by"]
    list_display_links = ["title"]
    list_filter = ["status", upstream.PendingUpstreamFilter, "language", "source", "publish_at"]
    list_select_related = ["source", "original_source", "featured_image", "updated_by"]  # status_badge: is_public
    search_fields = ["title", "summary", "guid", "original_url", "author"]
    date_hierarchy = "publish_at"
    autocomplete_fields = ["source", "original_source", "featured_image"]
    readonly_fields = ["conversion_check", "published_at", "share_total", "share_breakdown", "created_at",
                       "created_by", "updated_at", "updated_by", "related_computed", "revision_list", "audit_trail",
                       "review_feedback", "upstream_notice"]
    inlines = [RelatedArticleInline]
    actions = ["action_submit_for_review", "action_publish", "action_unpublish", "action_dismiss_upstream"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "language", "author", "tags", "featured_image",
                           "base_version"]}),
        ("繁簡轉換檢查", {"fields": ["conversion_check"],
                    "description": "儲存時會自動產生另一種字體的版本。發布前請檢查轉換結果。"}),
        ("來源與版權", {"fields": ["source", "original_source", "original_url", "copyright_notice", "guid"]}),
        ("發布", {"fields": ["status", "publish_at", "published_at"]}),
        ("分享", {"fields": ["share_total", "share_breakdown"]}),
        ("相關文章", {"fields": ["related_computed"],
                  "description": "依共同標籤（越少見的標籤越重要）、標題與摘要的相近程度和發布時間自動計算，"
                                 "分數低於門檻的不列出。要固定或排除某篇文章，請用下方的「釘選或排除的相關文章」。"}),
        ("紀錄", {"classes": ["collapse"], "fields": ["created_at", "created_by", "updated_at", "updated_by"]}),
        ("版本紀錄", {"fields": ["revision_list"],
                  "description": "每次儲存都會保留一個版本。可比較任兩個版本的差異，或把舊版本還原成目前內容"
                                 "（還原會另存為新版本，不會刪除任何版本）。"}),
        ("操作紀錄", {"classes": ["collapse"], "fields": ["audit_trail"]}),
    ]

    class Media:
        js = ["js/admin-tags.js"]

    def get_queryset(self, request):
        return (super().get_queryset(request).prefetch_related("tagged_items__tag")
                .annotate(has_pending_upstream=selectors.pending_upstream_exists()))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and not request.user.has_perm(services.PUBLISH_PERMISSION):
            # Writers edit drafts and articles in review; live articles belong to the editors.
            return obj.status in (Article.Status.DRAFT, Article.Status.REVIEW)
        return allowed

    def save_model(self, request, obj, form, change):
        services.article_set_status(article=obj, status=form.cleaned_data["status"], user=request.user,
                                    expected_version=form.cleaned_data.get("base_version") if change else None)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None and selectors.article_latest_send_back(article=obj) is not None:
            fieldsets.insert(0, ("編輯退回意見", {"fields": ["review_feedback"],
                                              "description": "編輯把這篇文章退回修改；改好後請再送審。"}))
        if obj is not None and getattr(obj, "has_pending_upstream", False):
            fieldsets.insert(0, ("上游更新待確認", {"fields": ["upstream_notice"]}))
        return fieldsets

    @admin.display(description="上游的新版本")
    def upstream_notice(self, obj: Article) -> str:
        pending = selectors.article_pending_upstream(article=obj) if obj.pk else None
        if pending is None:
            return "—"
        return upstream.render_notice(obj, pending, can_accept=getattr(obj, "can_restore", False))

    @admin.display(description="編輯的意見")
    def review_feedback(self, obj: Article) -> str:
        entry = selectors.article_latest_send_back(article=obj) if obj.pk else None
        if entry is None:
            return "—"
        return format_html('<div data-review-feedback><strong>{}</strong>（{}）：{}</div>',
                           history.who(entry.user), history.when(entry.created_at), entry.note)

    @admin.display(description="版本")
    def revision_list(self, obj: Article) -> str:
        if not obj.pk:
            return "儲存後會在這裡列出每次儲存的版本。"
        return history.render_revision_list(obj, selectors.article_revisions(article=obj),
                                            can_restore=getattr(obj, "can_restore", False))

    @admin.display(description="發布、排程、下架與封存紀錄")
    def audit_trail(self, obj: Article) -> str:
        if not obj.pk:
            return "尚無紀錄。"
        return history.render_audit_list(selectors.audit_list_for(obj=obj))

    def save_related(self, request, form, formsets, change):
        # Tags go through the service so the pages that list the article are refreshed.
        form.save_m2m = lambda: None
        services.article_set_tags(article=form.instance, names=form.cleaned_data.get("tags", []))
        super().save_related(request, form, formsets, change)

    @admin.display(description="轉換結果")
    def conversion_check(self, obj: Article) -> str:
        if not obj.pk:
            return "儲存後會在這裡顯示另一種字體的版本與轉換差異。"
        return render_to_string("admin/articles/article/conversion_check.html", {
            "lint": selectors.article_conversion_lint(article=obj),
            "mainland_hits": mainland.article_hits(obj),
            "fix_url": reverse("admin:articles_article_mainland_fix", args=[obj.pk]),
            "language": obj.language,
        })

    @admin.display(description="各平台分享次數")
    def share_breakdown(self, obj: Article) -> str:
        rows = selectors.article_share_counts(article=obj) if obj.pk else []
        if not rows:
            return "尚無分享。"
        return format_html_join("、", "{}：{}", ((row["label"], f"{row['total']:,}") for row in rows))

    @admin.display(description="自動計算的相關文章（分數）")
    def related_computed(self, obj: Article) -> str:
        if not obj.pk:
            return "儲存後會在這裡顯示。"
        rows = selectors.article_related_computed(article=obj)
        if not rows:
            return "目前沒有達到門檻的相關文章（只計算已發布、且至少有一個共同標籤的文章）。"
        items = format_html_join("", '<li><a href="{}">{}</a>（{}）</li>', (
            (reverse("admin:articles_article_change", args=[row.related_id]), row.related.title, f"{row.score:.2f}")
            for row in rows))
        return format_html('<ol class="related-computed" data-related-computed>{}</ol>', items)

    # --- list columns -------------------------------------------------------------
    @admin.display(description="縮圖")
    def thumbnail(self, obj: Article) -> str:
        if not obj.featured_image_id:
            return "—"
        return format_html('<img src="{}" alt="" style="height:40px;width:64px;object-fit:cover;border-radius:4px">',
                           obj.featured_image.file.url)

    @admin.display(description="狀態", ordering="status")
    def status_badge(self, obj: Article) -> str:
        label = obj.get_status_display()
        if obj.status == Article.Status.SCHEDULED and obj.is_public:
            label = "已發布（排程到期）"
        return format_html('<span style="color:#fff;background:{};padding:2px 8px;border-radius:10px">{}</span>',
                           STATUS_COLOURS.get(obj.status, "#6b7280"), label)

    @admin.display(description="上游更新", ordering="-has_pending_upstream")
    def upstream_badge(self, obj: Article) -> str:
        if not getattr(obj, "has_pending_upstream", False):
            return ""
        return format_html('<span data-upstream-badge style="color:#b45309;font-weight:bold">{}</span>', "待確認")

    @admin.display(description="標籤")
    def tag_list(self, obj: Article) -> str:
        return format_html_join("、", "{}", ((item.tag.name,) for item in obj.tagged_items.all())) or "—"

    # --- bulk actions, through the same services as the form ----------------------
    def _bulk(self, request, queryset, service, done: str) -> None:
        ok, failures = 0, []
        for article in queryset:
            try:
                service(article=article, user=request.user)
                ok += 1
            except (ValidationError, PermissionDenied) as exc:
                failures.append(f"「{article.title}」：{_error_text(exc)}")
        if ok:
            self.message_user(request, f"{done} {ok} 篇文章。", messages.SUCCESS)
        for failure in failures:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description="送審所選文章")
    def action_submit_for_review(self, request, queryset):
        self._bulk(request, queryset, services.article_submit_for_review, "已送審")

    @admin.action(description="發布所選文章")
    def action_publish(self, request, queryset):
        self._bulk(request, queryset, services.article_publish, "已發布")

    @admin.action(description="下架所選文章（改回草稿）")
    def action_unpublish(self, request, queryset):
        self._bulk(request, queryset, services.article_unpublish, "已下架")

    @admin.action(description="忽略所選文章的上游更新（維持目前內容）")
    def action_dismiss_upstream(self, request, queryset):
        self._bulk(request, queryset.filter(selectors.pending_upstream_exists()),
                   services.revision_dismiss_upstream, "已忽略上游更新，共")

    # --- preview ------------------------------------------------------------------
    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<id:pk>/preview/", wrap(self.preview_view), name="articles_article_preview"),
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

    def preview_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return views.article_preview(request, pk)

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
                self.message_user(request, f"無法還原：{_error_text(exc)}", messages.ERROR)
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
            self.message_user(request, f"「{article.title}」無法發布：{_error_text(exc)}", messages.ERROR)
        else:
            self.message_user(request, f"已發布「{article.title}」。", messages.SUCCESS)
        return redirect("admin:articles_article_review_queue")

    def review_send_back_view(self, request, pk: int):
        self._require_editor(request)
        if request.method != "POST":
            return redirect("admin:articles_article_review_queue")
        article = get_object_or_404(Article, pk=pk, status=Article.Status.REVIEW)
        try:
            services.article_send_back(article=article, comment=request.POST.get("comment", ""), user=request.user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, f"「{article.title}」無法退回：{_error_text(exc)}", messages.ERROR)
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

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "most_shared_url": reverse("admin:articles_article_most_shared")}
        if request.user.has_perm(services.PUBLISH_PERMISSION):
            extra_context["review_queue_url"] = reverse("admin:articles_article_review_queue")
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except services.ArticleConflict as exc:
            # Lost the race after the form's own check passed: the whole save was rolled back.
            self.message_user(request, _error_text(exc), messages.ERROR)
            return redirect("admin:articles_article_change", exc.article_id)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:  # revision_list offers "restore" only to those who may edit the article
            obj.can_restore = self.has_change_permission(request, obj)
        return obj

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["preview_url"] = reverse("admin:articles_article_preview", args=[obj.pk])
        return super().render_change_form(request, context, add, change, form_url, obj)
