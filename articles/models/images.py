"""Pictures with their credits, and their stored renditions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from articles.models.sources import Source
from articles.text import chinese, variants


def image_upload_to(instance: Image, filename: str) -> str:
    # Stored names are generated from the content hash, never taken from the upload.
    ext = (instance.format or "bin").lower().replace("jpeg", "jpg")
    digest = instance.content_hash or "pending"
    return f"images/{digest[:2]}/{digest}.{ext}"


class Image(models.Model):
    """An uploaded picture with its credit; one row per distinct file."""

    file = models.ImageField("檔案", upload_to=image_upload_to, width_field="width", height_field="height",
                             max_length=255)
    width = models.PositiveIntegerField("寬度", default=0, editable=False)
    height = models.PositiveIntegerField("高度", default=0, editable=False)
    format = models.CharField("格式", max_length=10, blank=True, editable=False)
    content_hash = models.CharField("內容雜湊", max_length=64, unique=True, editable=False)
    alt_text = models.CharField("替代文字", max_length=300,
                                help_text="描述圖片內容，供螢幕閱讀器與搜尋引擎使用（必填）。")
    caption = models.CharField("圖說", max_length=500, blank=True)
    credit = models.CharField("圖片來源", max_length=200, blank=True,
                              help_text="顯示在圖片下方，例如：由無界AI 生成、路透社。")
    ai_generated = models.BooleanField("AI 生成", default=False, help_text="圖片由 AI 生成時勾選，讀者會看到標示。")
    focal_x = models.FloatField("焦點 X", default=0.5, help_text="裁切社群預覽圖時保留的焦點，0（左）到 1（右）。")
    focal_y = models.FloatField("焦點 Y", default=0.5, help_text="裁切社群預覽圖時保留的焦點，0（上）到 1（下）。")
    source = models.ForeignKey(Source, verbose_name="圖片出處", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="images")
    credit_hans = models.CharField(max_length=200, blank=True, editable=False)
    credit_hant = models.CharField(max_length=200, blank=True, editable=False)
    caption_hans = models.CharField(max_length=500, blank=True, editable=False)
    caption_hant = models.CharField(max_length=500, blank=True, editable=False)
    alt_hans = models.CharField(max_length=300, blank=True, editable=False)
    alt_hant = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField("上傳時間", auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上傳者", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+", editable=False)

    class Meta:
        verbose_name = "圖片"
        verbose_name_plural = "圖片"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.alt_text or f"圖片 {self.pk}"

    # Every text a reader is shown about the picture, in both scripts, derived when it is saved, never on a
    # reader's request.
    VARIANT_FIELDS = ("credit_hant", "credit_hans", "caption_hant", "caption_hans", "alt_hant", "alt_hans")

    def save(self, *args, **kwargs) -> None:
        with chinese.one_glossary():
            self.derive_variants()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | set(self.VARIANT_FIELDS)
        super().save(*args, **kwargs)

    def derive_variants(self) -> None:
        """Store the Traditional and Simplified text of the credit, caption and alt text (each kept as typed in
        the script it was typed in: ``variants.both_ways``)."""
        self.credit_hant, self.credit_hans = variants.both_ways(self.credit)
        self.caption_hant, self.caption_hans = variants.both_ways(self.caption)
        self.alt_hant, self.alt_hans = variants.both_ways(self.alt_text)

    def localized_credit(self, language: str) -> str:
        return (self.credit_hans if language == "zh-hans" else self.credit_hant) or self.credit

    def localized_caption(self, language: str) -> str:
        return (self.caption_hans if language == "zh-hans" else self.caption_hant) or self.caption

    def localized_alt(self, language: str) -> str:
        return (self.alt_hans if language == "zh-hans" else self.alt_hant) or self.alt_text

def rendition_upload_to(instance: Rendition, filename: str) -> str:
    digest = instance.image.content_hash
    ext = (instance.format or "bin").lower().replace("jpeg", "jpg")
    return f"renditions/{digest[:2]}/{digest}-{instance.spec}.{ext}"


class Rendition(models.Model):
    """One stored resized copy of an image per spec, made at write time, never on a reader's request."""

    image = models.ForeignKey(Image, verbose_name="圖片", on_delete=models.CASCADE, related_name="renditions")
    spec = models.CharField("規格", max_length=50, help_text="例如 w640-webp、og-jpeg。")
    file = models.ImageField("檔案", upload_to=rendition_upload_to, width_field="width", height_field="height",
                             max_length=255)
    width = models.PositiveIntegerField("寬度", default=0)
    height = models.PositiveIntegerField("高度", default=0)
    format = models.CharField("格式", max_length=10)
    created_at = models.DateTimeField("建立時間", auto_now_add=True)

    class Meta:
        verbose_name = "圖片尺寸版本"
        verbose_name_plural = "圖片尺寸版本"
        constraints = [models.UniqueConstraint(fields=["image", "spec"], name="unique_rendition_per_spec")]

    def __str__(self) -> str:
        return f"{self.image_id} {self.spec}"
