"""Articles in the admin: the form and its read-only panels (bulk actions in ``actions``, the extra pages in
``views``)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.http import HttpRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from articles import selectors, services
from articles.admin import article_list, base, history, mainland, publishbar, publishing, upstream
from articles.admin.articles import actions, autosave, figures, scripts, views
from articles.admin.related import RelatedArticleInline
from articles.forms import ArticleAdminForm
from articles.models import Article

WRITER_STATUS_ERROR = ("只有編輯可以發布、排程或封存文章；這次沒有儲存。請把狀態改為「待審」送交編輯，"
                       "或改為「草稿」先存起來。")


@admin.register(Article)
class ArticleAdmin(autosave.ArticleAutosaveMixin, scripts.ArticleScriptsPanelMixin,
                   actions.ArticleActionsMixin, views.ArticleViewsMixin, publishbar.PublishBarMixin,
                   article_list.ArticleListColumnsMixin, mainland.MainlandFixMixin, figures.FigurePickerMixin,
                   base.ModelAdmin):
    form = ArticleAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # Six columns that fit 1280 px beside the filters (static/css/admin-desk.css keeps titles to two lines and
    # pills on one); every column reads only the row and its select_related sources, so the query count stays flat.
    list_display = ["title_column", "status_badge", "source", "permission_state", "updated", "share_total"]
    list_display_links = ["title_column"]
    list_filter = ["status", upstream.PendingUpstreamFilter, "language", "source", "publish_at"]
    list_select_related = ["source", "original_source", "updated_by"]  # status_badge, permission_state: sources
    # What the search box looks in; get_search_results below does the looking (the search index, not LIKE '%…%').
    search_fields = ["title", "summary", "guid", "original_url", "author"]
    # No date drill-down: it reads the distinct dates of every row on each request (about 0.9 s at 100,000 articles on
    # SQLite); the 發布時間 filter gives the same periods as plain ranges, and the list is ordered off an index.
    show_full_result_count = False  # "N of M" would count the whole table on every filtered page
    autocomplete_fields = ["source", "original_source", "featured_image"]
    readonly_fields = ["conversion_check", "published_at", "share_total", "share_breakdown", "created_at",
                       "created_by", "updated_at", "updated_by", "related_computed", "revision_list", "audit_trail",
                       "review_feedback", "upstream_notice", "schedule_taipei"]
    inlines = [RelatedArticleInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "summary", "body", "language", "author", "tags", "featured_image",
                           "base_version"]}),
        ("繁簡轉換檢查", {"fields": ["conversion_check"],
                    "description": "儲存時會自動產生另一種字體的版本。發布前請檢查轉換結果。"}),
        ("來源與版權", {"fields": ["source", "original_source", "original_url", "copyright_notice", "guid"]}),
        ("發布", {"fields": ["status", "publish_at", "schedule_taipei", "published_at"]}),
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
        js = ["js/admin-tags.js", "js/admin-publishbar.js",
              "js/admin-autosave.js", "js/admin-scripts-panel.js"]
        css = {"all": ["css/admin-desk.css", "css/admin-writing.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_pending_upstream=selectors.pending_upstream_exists())

    def get_search_results(self, request, queryset, search_term):
        # Django's own search is a LIKE '%term%' over five columns of every row (344 ms at 100,000 articles): words go
        # to the search index instead, guid, URL and author to their indexes (selectors.article_desk_search).
        term = base.limit_search_term(search_term)
        return selectors.article_desk_search(queryset=queryset, term=term), False

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """For ``@admin.action(permissions=["publish"])``: bulk publish, unpublish and upstream dismissal are the
        editors' (``WRITER_REFUSALS`` answers a writer who posts one anyway)."""
        return request.user.has_perm(services.PUBLISH_PERMISSION)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status" and not self.has_publish_permission(request):
            # A writer is offered only what a writer may do; a posted 已發布 is a form error, never a silent no-op.
            kwargs["choices"] = [(value, label) for value, label in Article.Status.choices
                                 if value in services.WRITER_STATUSES]
            kwargs["error_messages"] = {"invalid_choice": WRITER_STATUS_ERROR}
            kwargs["help_text"] = "存成「草稿」繼續寫，或選「待審」送交編輯；發布與排程由編輯處理。"
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request: HttpRequest, obj: Article | None = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None:
            return services.article_editable_by(request.user, obj.status)
        return allowed

    def save_model(self, request, obj, form, change):
        old_status = form.initial.get("status", "") if change else ""
        services.article_set_status(article=obj, status=form.cleaned_data["status"], user=request.user,
                                    expected_version=form.cleaned_data.get("base_version") if change else None)
        # Said instead of the admin's generic 「修改成功」 (message_user below).
        request._article_outcome = publishing.outcome_message(request, obj, old_status)

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        outcome = getattr(request, "_article_outcome", None)
        if outcome is not None and level == messages.SUCCESS:
            request._article_outcome = None
            message = outcome
        super().message_user(request, message, level, extra_tags, fail_silently)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if not self.has_publish_permission(request):
            # The publishing time is an editor's choice (scheduling): a writer is not shown a field they cannot use.
            fieldsets = [(name, {**options, "fields": [f for f in options["fields"] if f not in self.SCHEDULE_FIELDS]})
                         for name, options in fieldsets]
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
            self.message_user(request, base.error_text(exc), messages.ERROR)
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
