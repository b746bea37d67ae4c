"""Images with their credit and provenance."""

from django.contrib import admin
from django.utils.html import format_html

from articles.forms import ImageAdminForm
from articles.models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "alt_text", "credit", "ai_generated", "dimensions", "created_at"]
    list_filter = ["ai_generated", "format"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "format", "created_at", "uploaded_by"]
    autocomplete_fields = ["source"]

    @admin.display(description="縮圖")
    def thumbnail(self, obj: Image) -> str:
        return format_html('<img src="{}" alt="" style="height:48px;width:auto;border-radius:4px">', obj.file.url)

    @admin.display(description="預覽")
    def preview(self, obj: Image) -> str:
        if not obj.pk:
            return "—"
        return format_html('<img src="{}" alt="" style="max-width:480px;height:auto">', obj.file.url)

    @admin.display(description="尺寸")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
