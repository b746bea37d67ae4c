"""Editor forms: the article form enforces the workflow rules before anything is saved."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from articles import images, services
from articles.models import Article, Image, Revision
from articles.text import sanitize


class BodyEditorWidget(forms.Textarea):
    """The body as rich text: django-prose-editor (Tiptap) set up by ``static/js/admin-body-editor.js``, with the
    figure picker (``admin:articles_image_picker``). Without JavaScript it is the plain HTML textarea it wraps."""

    class Media:
        css = {"all": ["django_prose_editor/material-icons.css", "django_prose_editor/editor.css",
                       "django_prose_editor/overrides.css", "css/admin-body-editor.css"]}
        js = ["js/admin-body-editor-i18n.js", forms.Script("js/admin-body-editor.js", type="module")]

    def use_required_attribute(self, initial) -> bool:
        # The textarea is hidden behind the editor: a browser would refuse to submit an empty one without being
        # able to show why. The form still requires a body (and says so in Chinese).
        return False

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-body-editor"] = ""
        context["widget"]["attrs"]["data-image-picker"] = reverse("admin:articles_image_picker")
        return context


class ArticleAdminForm(forms.ModelForm):
    """Article form; the admin sets ``user`` so the workflow rules know who is asking."""

    user = None
    original_url = forms.URLField(label="原文網址", max_length=500, required=False, assume_scheme="https")
    # The version this form was opened at; a save based on an older one is refused (optimistic locking).
    base_version = forms.IntegerField(label="開啟時的版本", widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["base_version"].initial = self.instance.version if self.instance.pk else None

    def clean_base_version(self) -> int | None:
        posted = self.cleaned_data.get("base_version")
        if self.instance.pk is None:
            return None
        if posted is None:
            raise ValidationError("表單缺少版本資訊；請重新載入頁面後再編輯。", code="no_version")
        current = Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
        if current is not None and current != posted:
            self.add_error(None, conflict_message(article_id=self.instance.pk, base_version=posted,
                                                  current_version=current))
        return posted

    class Meta:
        model = Article
        fields = [
            "title", "slug", "summary", "body", "language", "author", "tags", "featured_image",
            "source", "original_source", "original_url", "copyright_notice", "guid", "status", "publish_at",
        ]
        widgets = {"body": BodyEditorWidget}

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


class PictureField(forms.FileField):
    """A picture through the one gate (``images.validate_upload``: formats, the decoder limit, metadata stripped):
    cleans to the normalised file under a name made from its content, never the upload's name. For image fields
    outside the Image model (a source's logo: ``formfield_overrides = {ImageField: {"form_class": PictureField}}``).
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("widget", forms.ClearableFileInput)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("accept", ",".join(images.ACCEPTED_MIME_TYPES))

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if not isinstance(value, UploadedFile):
            return value  # no new upload: the stored file, or False to clear it
        prepared = images.validate_upload(value)
        return ContentFile(prepared.data, name=f"{prepared.content_hash[:32]}.{prepared.extension}")


class ImageAdminForm(forms.ModelForm):
    """Image upload: only pictures we accept (``images.validate_upload``, the same gate imports go through),
    each distinct file once, with the credit readers see under it.

    A new upload is stored (``services.image_create``) as the last step of validation, so a picture that cannot
    be stored — the media disk is full — is a form error shown with everything the editor typed, not a server
    error after the form was accepted. The admin sets ``user`` (the uploader) and saves nothing more itself.
    """

    # A plain file field: our validator is the only thing that opens the upload (Django's ImageField would hand it
    # to every Pillow plugin first, and answer in its own words).
    file = forms.FileField(
        label="檔案",
        help_text=f"{images.ACCEPTED_LABEL}；上傳時會移除 EXIF／GPS 等中繼資料並產生各種尺寸。上傳後不能更換檔案。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(images.ACCEPTED_MIME_TYPES)}),
    )
    focal_x = forms.FloatField(label="焦點 X", min_value=0, max_value=1, initial=0.5,
                               widget=forms.NumberInput(attrs={"step": "0.001"}),
                               help_text="點一下預覽圖即可設定；0（左）到 1（右）。")
    focal_y = forms.FloatField(label="焦點 Y", min_value=0, max_value=1, initial=0.5,
                               widget=forms.NumberInput(attrs={"step": "0.001"}),
                               help_text="社群預覽圖（1200 × 630）以焦點為中心裁切；0（上）到 1（下）。")
    prepared: images.Prepared | None = None
    user = None
    stored: Image | None = None  # the row ``services.image_create`` wrote for a new upload

    class Meta:
        model = Image
        fields = ["file", "focal_x", "focal_y", "alt_text", "caption", "credit", "ai_generated", "source"]
        help_texts = {
            "alt_text": "描述圖片內容，給看不到圖片的讀者與搜尋引擎（必填），例如：記者會現場，發言人站在講台前。",
            "caption": "顯示在圖片下方的說明文字，可留空。",
            "credit": "必填，顯示為「圖片來源：…」，例如：路透社、本報攝影、由無界AI 生成。",
            "source": "圖片取自哪個來源媒體（如有），讀者會看到連結。",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "credit" in self.fields:
            self.fields["credit"].required = True

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None or not hasattr(upload, "content_type"):
            return upload  # unchanged file on an existing image
        prepared = images.validate_upload(upload)
        duplicate = Image.objects.filter(content_hash=prepared.content_hash).exclude(pk=self.instance.pk).first()
        if duplicate is not None:
            raise ValidationError(f"相同的圖片已經上傳過（#{duplicate.pk}「{duplicate}」），請直接選用它。")
        self.prepared = prepared
        self.instance.format = prepared.format
        self.instance.content_hash = prepared.content_hash
        # What gets stored is the normalised file under a generated name, never the upload itself.
        return ContentFile(prepared.data, name=f"upload.{prepared.extension}")

    def _post_clean(self) -> None:
        super()._post_clean()  # the model's own validation first: store only what will be accepted
        if self.instance.pk is not None and not self.errors:
            # Same rule as services.image_update_details, told here as a form error rather than refused later.
            problem = services.image_details_problem(image=self.instance, user=self.user)
            if problem:
                self.add_error(None, problem)
        if self.prepared is None or self.errors or self.instance.pk is not None:
            return
        image = self.instance
        try:
            self.stored = services.image_create(
                prepared=self.prepared, alt_text=image.alt_text, caption=image.caption, credit=image.credit,
                ai_generated=image.ai_generated, source=image.source, focal_x=image.focal_x,
                focal_y=image.focal_y, user=self.user,
            )
        except ValidationError as exc:
            errors = exc.error_dict if hasattr(exc, "error_dict") else {None: exc.error_list}
            for name, problems in errors.items():
                self.add_error(name if name in self.fields else None, problems)


def conflict_message(*, article_id: int, base_version: int, current_version: int) -> ValidationError:
    """Tell the editor someone saved first, with a link to what changed since they opened the article."""
    revisions = Revision.objects.filter(article_id=article_id)
    # The revision the editor started from (a tag-only change or a re-conversion can share its number).
    base = revisions.filter(version__lte=base_version).order_by("-version", "-created_at", "-id").first()
    newest = revisions.filter(pending_upstream=False).order_by("-created_at", "-id").first()
    text = (f"這篇文章在您開啟後已被其他人儲存（您開啟的是版本 {base_version}，目前是版本 {current_version}）。"
            "為避免覆蓋對方的修改，這次儲存沒有寫入；請複製您的修改，重新載入頁面後再套用。")
    if base is not None and newest is not None and base.pk != newest.pk:
        url = reverse("admin:articles_article_revision_diff", args=[article_id]) + f"?from={base.pk}&to={newest.pk}"
        return ValidationError(format_html('{} <a href="{}" data-conflict-diff>查看對方修改了什麼</a>', text, url),
                               code="conflict")
    return ValidationError(text, code="conflict")

