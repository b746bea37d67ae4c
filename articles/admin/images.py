"""Images with their credit and provenance, a focal-point picker and the renditions made from them."""

from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from articles import services
from articles.admin import base
from articles.forms import ImageAdminForm
from articles.images import renditions
from articles.models import Image, Rendition
from newsroom import security


def preview_policy() -> str:
    """The site's Content-Security-Policy with ``blob:`` added to img-src, and nothing else changed: the add form
    shows the picked file from a local ``blob:`` address before it is uploaded (static/js/admin-focal-point.js).
    Only the add form is sent this policy; every other page keeps the site's own."""
    directives = [d.strip() for d in security.content_security_policy().split(";") if d.strip()]
    if not directives:
        return ""
    if not any(d.split()[0] == "img-src" for d in directives):
        default = next((d.split()[1:] for d in directives if d.split()[0] == "default-src"), ["'self'"])
        directives.append(" ".join(["img-src", *default]))
    return "; ".join(f"{d} blob:" if d.split()[0] == "img-src" and "blob:" not in d.split() else d
                     for d in directives)


def _smallest(image: Image, image_format: str = "WEBP") -> Rendition | None:
    """The smallest width rendition in ``image_format`` from the prefetched renditions (no query)."""
    candidates = [r for r in image.renditions.all() if r.format == image_format and r.spec.startswith("w")]
    return min(candidates, key=lambda r: r.width, default=None)


@admin.register(Image)
class ImageAdmin(base.ModelAdmin):
    form = ImageAdminForm
    list_display = ["thumbnail", "alt_text", "credit", "ai_flag", "source", "dimensions", "created_at"]
    list_select_related = ["source"]
    list_filter = ["ai_generated", "format"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["preview", "dimensions", "format", "file_size", "created_at", "uploaded_by",
                       "renditions_list"]
    autocomplete_fields = ["source"]

    class Media:
        js = ["js/admin-focal-point.js"]
        css = {"all": ["css/admin-desk.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(
            Prefetch("renditions", queryset=Rendition.objects.order_by("format", "width", "spec"))
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        # An image's content never changes (renditions and dedupe hang on it): upload a new one instead.
        return [*self.readonly_fields, "file"] if obj is not None else self.readonly_fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            ("圖片", {"fields": ["file", "preview", "focal_x", "focal_y"],
                      "description": "點一下預覽圖設定焦點；社群分享預覽圖（1200 × 630）會以焦點為中心裁切。"}),
            ("說明與來源", {"fields": ["alt_text", "caption", "credit", "ai_generated", "source"],
                            "description": "讀者會在圖片下方看到圖說、圖片來源、AI 生成標示與出處。"}),
        ]
        if obj is not None:
            fieldsets.append(("檔案資訊", {"fields": ["dimensions", "format", "file_size", "created_at", "uploaded_by",
                                                      "renditions_list"]}))
        return fieldsets

    def add_view(self, request, form_url="", extra_context=None):
        response = super().add_view(request, form_url, extra_context)
        policy = preview_policy()
        if policy:
            response["Content-Security-Policy"] = policy
        return response

    @admin.display(description="AI 生成", ordering="ai_generated")
    def ai_flag(self, obj: Image) -> str:
        # Words, not Django's boolean icon (whose alt text reads "True"/"False").
        if obj.ai_generated:
            return format_html('<span class="desk-pill" style="background:#7c3aed" data-ai-generated>{}</span>',
                               "AI 生成")
        return "—"

    @admin.display(description="縮圖")
    def thumbnail(self, obj: Image) -> str:
        small = _smallest(obj)
        url = small.file.url if small is not None else obj.file.url
        return format_html('<img src="{}" alt="" loading="lazy" style="height:48px;width:auto;border-radius:4px">',
                           url)

    @admin.display(description="預覽")
    def preview(self, obj: Image) -> str:
        if obj is None or not obj.pk:
            # The add form: the picker shows the chosen file before it is uploaded.
            return mark_safe('<div class="focal-picker" data-focal-picker></div>')  # noqa: S308 - a constant
        medium = [r for r in obj.renditions.all() if r.format == "JPEG" and r.spec.startswith("w")]
        shown = min((r for r in medium if r.width >= 800), key=lambda r: r.width, default=None)
        url = shown.file.url if shown is not None else obj.file.url
        return format_html(
            '<div class="focal-picker" data-focal-picker><img src="{}" alt="" width="{}" height="{}" '
            'data-focal-preview></div>',
            url, obj.width, obj.height,
        )

    @admin.display(description="尺寸")
    def dimensions(self, obj: Image) -> str:
        return f"{obj.width} × {obj.height}"

    @admin.display(description="檔案大小")
    def file_size(self, obj: Image) -> str:
        try:
            return f"{obj.file.size / 1024:,.0f} KB"
        except (OSError, ValueError):
            return "（找不到檔案）"

    @admin.display(description="尺寸版本")
    def renditions_list(self, obj: Image) -> str:
        rows = list(obj.renditions.all()) if obj.pk else []
        if not rows:
            return "尚未產生；儲存或發布時會自動產生，也可以執行 manage.py make_renditions。"
        return format_html(
            '<table class="renditions"><thead><tr><th>規格</th><th>格式</th><th>尺寸</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            format_html_join(
                "", '<tr><td><a href="{}" target="_blank" rel="noopener">{}</a></td><td>{}</td><td>{} × {}</td></tr>',
                ((r.file.url, r.spec, r.format, r.width, r.height) for r in rows),
            ),
        )

    def save_model(self, request, obj, form, change):
        if change:
            focal_moved = {"focal_x", "focal_y"} & set(form.changed_data)
            services.image_update_details(image=obj, user=request.user)
            if focal_moved:
                services.image_update_focal_point(image=obj, focal_x=obj.focal_x, focal_y=obj.focal_y)
            return
        # The form stored the upload while validating it (so a full disk is a form error, see ImageAdminForm).
        image = form.stored
        # The admin goes on with ``obj`` (messages, log entry, redirect): make it the stored row.
        obj.pk = image.pk
        obj.refresh_from_db()
        obj._state.adding = False
        missing = len(renditions.specs_for(image.width, image.height)) - image.renditions.count()
        if missing > 0:
            self.message_user(
                request,
                f"圖片已儲存，但有 {missing} 個尺寸版本未能產生（原因見日誌，例如媒體儲存空間已滿），"
                "讀者暫時會看到原圖。請通知管理員，問題排除後執行 manage.py make_renditions 補上。",
                messages.WARNING,
            )
