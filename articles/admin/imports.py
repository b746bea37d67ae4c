"""Import runs, read-only: what each run of ``import_articles`` read and what became of it."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from articles.admin import base
from articles.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(base.ModelAdmin):
    list_display = ["started_at", "finished_at", "created", "updated", "unchanged", "failed", "user"]
    list_filter = ["started_at"]
    search_fields = ["paths", "report"]
    date_hierarchy = "started_at"
    fields = ["started_at", "finished_at", "user", "paths", "created", "updated", "unchanged", "failed",
              "report_lines"]
    readonly_fields = fields

    @admin.display(description="報告")
    def report_lines(self, obj: ImportRun) -> str:
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', obj.report or "—")

    # Runs are written by the importer only; the record of what happened is not edited by hand.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ImportRun | None = None) -> bool:
        return False
