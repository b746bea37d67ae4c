"""Background jobs as editors see them, and the keys that coalesce them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django_tasks_db.models import DBTaskResult


class BackgroundJob(DBTaskResult):
    """django-tasks' own queue table (one row per job, see articles.jobs), under our name and labels in the admin."""

    class Meta:
        proxy = True
        verbose_name = "背景工作"
        verbose_name_plural = "背景工作"

    def __str__(self) -> str:
        return f"{self.task_path.rsplit('.', 1)[-1]}（{self.pk}）"


class JobKey(models.Model):
    """A job's coalescing key: while ``waiting``, a new job with the same key is not added (see articles.jobs)."""

    result = models.OneToOneField(DBTaskResult, verbose_name="工作", primary_key=True, on_delete=models.CASCADE,
                                  related_name="job_key")
    key = models.CharField("合併鍵", max_length=200, db_index=True,
                           help_text="同一個鍵的工作在開始執行前只會排一次，例如 render:article:12。")
    waiting = models.BooleanField("等待執行", default=True,
                                  help_text="工作尚未開始執行；開始執行後，同一個鍵的新工作會另外排入。")

    class Meta:
        verbose_name = "工作合併鍵"
        verbose_name_plural = "工作合併鍵"
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=Q(waiting=True), name="jobkey_one_waiting_per_key"),
        ]

    def __str__(self) -> str:
        return self.key
