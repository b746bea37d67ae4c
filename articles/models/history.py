"""What happened: import runs, revisions of articles, the audit trail of editorial decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import SCRIPTS, Article


class ImportRun(models.Model):
    """One run of the importer: what it read and what became of each record."""

    started_at = models.DateTimeField("開始時間", auto_now_add=True)
    finished_at = models.DateTimeField("結束時間", null=True, blank=True)
    paths = models.TextField("檔案或網址", blank=True)
    dry_run = models.BooleanField("試跑", default=False)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("未變更", default=0)
    failed = models.PositiveIntegerField("失敗", default=0)
    report = models.TextField("報告", blank=True, help_text="每筆失敗或保留編輯版本的紀錄，一行一筆。")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="執行者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "匯入紀錄"
        verbose_name_plural = "匯入紀錄"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} created {self.created}, failed {self.failed}"


class Revision(models.Model):
    """The content of an article as one save left it; newest first."""

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField("版本", default=0, help_text="儲存時文章的版本號。")
    created_at = models.DateTimeField("儲存時間", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="編輯者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    note = models.CharField("說明", max_length=200, blank=True, help_text="例如：還原自某個版本、重新轉換繁簡。")
    pending_upstream = models.BooleanField(
        "待審的上游更新", default=False,
        help_text="匯入時上游已更新、但文章已不是草稿：上游的內容存成這個版本，文章本身不變；"
                  "編輯比較後以「還原此版本」採用，或忽略。",
    )
    title = models.CharField("標題", max_length=300)
    summary = models.TextField("摘要", blank=True)
    body = models.TextField("內文")
    language = models.CharField("撰寫字體", max_length=10, choices=SCRIPTS, default="zh-hant")
    author = models.CharField("作者", max_length=200, blank=True)
    tags = models.JSONField("標籤", default=list, blank=True, help_text="儲存時的標籤名稱。")
    featured_image_pk = models.PositiveIntegerField("主圖編號", null=True, blank=True)
    source_pk = models.PositiveIntegerField("資訊來源編號", null=True, blank=True)
    original_source_pk = models.PositiveIntegerField("原文來源編號", null=True, blank=True)
    original_url = models.URLField("原文網址", max_length=500, blank=True)
    copyright_notice = models.TextField("版權聲明", blank=True)
    status = models.CharField("狀態", max_length=20, choices=Article.Status.choices)
    publish_at = models.DateTimeField("發布時間", null=True, blank=True)
    title_hant = models.CharField(max_length=300, blank=True)
    title_hans = models.CharField(max_length=300, blank=True)
    summary_hant = models.TextField(blank=True)
    summary_hans = models.TextField(blank=True)
    body_hant = models.TextField(blank=True)
    body_hans = models.TextField(blank=True)
    copyright_hant = models.TextField(blank=True)
    copyright_hans = models.TextField(blank=True)

    class Meta:
        verbose_name = "文章版本"
        verbose_name_plural = "文章版本"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at", "-id"], name="revision_article_newest")]

    def __str__(self) -> str:
        return f"{self.article_id} v{self.version} {self.created_at:%Y-%m-%d %H:%M}"


class AuditEntry(models.Model):
    """One editorial decision: who did what to which object, from what to what."""

    class Action(models.TextChoices):
        PUBLISH = "publish", "發布"
        UNPUBLISH = "unpublish", "下架"
        SCHEDULE = "schedule", "排程"
        ARCHIVE = "archive", "封存"
        RESTORE = "restore", "還原版本"
        SEND_BACK = "send_back", "退回修改"
        PERMISSION = "permission", "轉載授權變更"
        GLOSSARY_ADD = "glossary_add", "新增詞條"
        GLOSSARY_CHANGE = "glossary_change", "修改詞條"
        GLOSSARY_DELETE = "glossary_delete", "刪除詞條"
        PERMISSION_LAPSED = "lapsed_down", "授權到期下架"
        IMAGE_DETAILS = "image_details", "圖片資訊變更"

    created_at = models.DateTimeField("時間", default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="執行者", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+",
                             help_text="空白表示由系統（排程、匯入或管理指令）執行。")
    action = models.CharField("動作", max_length=20, choices=Action.choices)
    object_type = models.CharField("對象類型", max_length=50, help_text="例如 articles.article。")
    object_id = models.PositiveIntegerField("對象編號", null=True, blank=True)
    object_repr = models.CharField("對象", max_length=300, blank=True)
    from_value = models.CharField("變更前", max_length=300, blank=True)
    to_value = models.CharField("變更後", max_length=300, blank=True)
    note = models.TextField("備註", blank=True)

    class Meta:
        verbose_name = "操作紀錄"
        verbose_name_plural = "操作紀錄"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "-created_at"], name="audit_object_newest")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} {self.object_repr}"
