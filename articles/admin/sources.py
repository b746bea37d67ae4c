"""Sources and their reprint permission."""

from django.contrib import admin
from django.db import models

from articles.models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "kind", "reprint_permission", "permission_expires", "homepage"]
    list_filter = ["kind", "reprint_permission"]
    search_fields = ["name", "slug", "homepage"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "kind", "homepage", "feed_url", "logo"]}),
        ("轉載授權", {"fields": ["reprint_permission", "permission_note", "permission_expires", "copyright_notice"]}),
    ]
