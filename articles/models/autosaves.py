"""Autosaves: what an editor typed in the article form and has not saved yet, kept apart from the article so that
autosaving never bumps its version, touches what readers see, or floods its revisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article


class Autosave(models.Model):
    """One per (user, article), overwritten on each autosave; ``article`` is empty for a form not saved yet."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="編輯者", on_delete=models.CASCADE,
                             related_name="+")
    article = models.ForeignKey(Article, verbose_name="文章", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="autosaves", help_text="空白表示尚未儲存過的新文章。")
    data = models.JSONField("表單內容", default=dict, blank=True,
                            help_text="自動儲存時表單各欄位的值（內文已經過清理）。")
    base_version = models.PositiveIntegerField("根據的版本", null=True, blank=True,
                                               help_text="自動儲存時表單開啟的文章版本；新文章為空白。")
    updated_at = models.DateTimeField("自動儲存時間", default=timezone.now)

    class Meta:
        verbose_name = "自動儲存"
        verbose_name_plural = "自動儲存"
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], condition=models.Q(article__isnull=False),
                                    name="autosave_one_per_user_article"),
            models.UniqueConstraint(fields=["user"], condition=models.Q(article__isnull=True),
                                    name="autosave_one_new_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.article_id or 'new'} {self.updated_at:%Y-%m-%d %H:%M}"
