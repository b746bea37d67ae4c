"""Sources and their reprint permission."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models

from articles import selectors, services
from articles.admin import base
from articles.admin.history import render_audit_list
from articles.forms import PictureField
from articles.models import Source


@admin.register(Source)
class SourceAdmin(base.ModelAdmin):
    formfield_overrides = {
        models.URLField: {"assume_scheme": "https"},
        # The logo goes through the same gate as every picture: checked, stripped, renamed (``PictureField``).
        models.ImageField: {"form_class": PictureField, "widget": AdminFileWidget},
    }
    list_display = ["name", "kind", "reprint_permission", "permission_expires", "homepage"]
    list_filter = ["kind", "reprint_permission"]
    search_fields = ["name", "slug", "homepage"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "homepage", "feed_url", "logo"]}),
        ("轉載授權", {"fields": ["reprint_permission", "permission_note", "permission_expires", "copyright_notice"]}),
    ]

    readonly_fields = ["audit_trail"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append(("操作紀錄", {"fields": ["audit_trail"]}))
        return fieldsets

    def save_model(self, request, obj, form, change):
        services.source_save(source=obj, user=request.user)

    @admin.display(description="授權變更紀錄")
    def audit_trail(self, obj: Source) -> str:
        return render_audit_list(selectors.audit_list_for(obj=obj))
