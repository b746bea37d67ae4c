"""Editor forms: the article form enforces the workflow rules before anything is saved."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import images, sanitize, services
from articles.models import Article, Image


class ArticleAdminForm(forms.ModelForm):
    """Article form; the admin sets ``user`` so the workflow rules know who is asking."""

    user = None
    original_url = forms.URLField(label="原文網址", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "language", "author", "tags", "featured_image",
            "source", "original_source", "original_url", "copyright_notice", "guid", "status", "publish_at",
        ]

    def clean_body(self) -> str:
        return sanitize.clean_html(self.cleaned_data.get("body", ""))

    def clean_status(self) -> str:
        status = self.cleaned_data["status"]
        going_public = status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED, Article.Status.ARCHIVED)
        unchanged = self.instance.pk is not None and self.instance.status == status
        if self.user is not None and not unchanged:
            if going_public and not self.user.has_perm(services.PUBLISH_PERMISSION):
                raise ValidationError(
                    "只有編輯可以發布、排程或封存文章。請把狀態設為「待審」送交編輯，文章會保留為草稿。",
                    code="not_editor",
                )
        return status

    def clean(self) -> dict:
        cleaned = super().clean()
        status = cleaned.get("status")
        if status == Article.Status.SCHEDULED:
            publish_at = cleaned.get("publish_at")
            if publish_at is None:
                self.add_error("publish_at", "排程發布需要發布時間。")
            elif publish_at <= timezone.now():
                self.add_error("publish_at", "排程時間必須在未來；要立即上線請選「已發布」。")
        if status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED) and not self.errors:
            candidate = Article(
                title=cleaned.get("title", ""),
                body=cleaned.get("body", ""),
                source=cleaned.get("source"),
                original_source=cleaned.get("original_source"),
            )
            for problem in services.article_publish_problems(article=candidate):
                self.add_error(None, problem)
        return cleaned


class ImageAdminForm(forms.ModelForm):
    """Image upload: only pictures we accept, and each distinct file once."""

    class Meta:
        model = Image
        fields = ["file", "alt_text", "caption", "credit", "ai_generated", "source"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "content_type"):
            return upload  # unchanged file on an existing image
        inspected = images.inspect_upload(upload)
        duplicate = Image.objects.filter(content_hash=inspected.content_hash).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            raise ValidationError(f"相同的圖片已經上傳過（#{duplicate.pk}「{duplicate}」），請直接選用它。")
        self.instance.format = inspected.format
        self.instance.content_hash = inspected.content_hash
        return upload
