"""Background jobs for editors: what waits, what runs, what failed (with its error and a retry), what finished."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from articles import services
from articles.admin import base
from articles.models import BackgroundJob
from articles.services.jobs import RETRY_PERMISSION

# django-tasks-db registers its own English page for the same table; editors get this one instead.
if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)

RECENT = datetime.timedelta(days=1)


def _when(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M:%S}" if value else "—"


def job_state(job: DBTaskResult) -> str:
    """The state in editors' words (a job waiting for a retry still shows its last error)."""
    if job.status == TaskResultStatus.READY:
        return "等待重試" if job.traceback else "等待執行"
    return {TaskResultStatus.RUNNING: "執行中", TaskResultStatus.FAILED: "失敗",
            TaskResultStatus.SUCCESSFUL: "完成"}.get(job.status, job.status)


class JobStateFilter(admin.SimpleListFilter):
    title = "狀態"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("pending", "等待中（全部）"),
                ("waiting", "等待執行"), ("retrying", "等待重試"), ("running", "執行中"), ("failed", "失敗"),
                ("recent", "最近完成（24 小時）"), ("done", "已完成（全部）")]

    def queryset(self, request, queryset):
        ready = Q(status=TaskResultStatus.READY)
        return {
            "pending": lambda: queryset.filter(ready),
            "waiting": lambda: queryset.filter(ready, traceback=""),
            "retrying": lambda: queryset.filter(ready).exclude(traceback=""),
            "running": lambda: queryset.filter(status=TaskResultStatus.RUNNING),
            "failed": lambda: queryset.filter(status=TaskResultStatus.FAILED),
            "recent": lambda: queryset.filter(status=TaskResultStatus.SUCCESSFUL,
                                              finished_at__gte=timezone.now() - RECENT),
            "done": lambda: queryset.filter(status=TaskResultStatus.SUCCESSFUL),
        }.get(self.value(), lambda: queryset)()


@admin.register(BackgroundJob)
class BackgroundJobAdmin(base.ModelAdmin):
    # django-tasks-db labels its own fields in English: the times, id and workers are shown through the columns
    # below, which carry Chinese labels.
    list_display = ["task_label", "arguments", "state", "attempts", "enqueued", "started", "finished",
                    "next_attempt", "error"]
    list_filter = [JobStateFilter]
    search_fields = ["task_path", "job_key__key"]
    ordering = ["-enqueued_at"]
    list_per_page = 50
    actions = ["retry"]
    fields = ["job_id", "task_label", "key", "arguments", "state", "attempts", "enqueued", "started",
              "finished", "next_attempt", "error", "formatted_traceback", "workers"]
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("job_key")

    @admin.display(description="工作")
    def task_label(self, job: DBTaskResult) -> str:
        return job.task_path.rsplit(".", 1)[-1]

    @admin.display(description="合併鍵")
    def key(self, job: DBTaskResult) -> str:
        job_key = getattr(job, "job_key", None)
        return job_key.key if job_key is not None else "—"

    @admin.display(description="參數")
    def arguments(self, job: DBTaskResult) -> str:
        kwargs = job.args_kwargs.get("kwargs", {})
        text = ", ".join(f"{name}={value}" for name, value in kwargs.items()) or "—"
        return text if len(text) <= 80 else text[:79] + "…"

    @admin.display(description="狀態")
    def state(self, job: DBTaskResult) -> str:
        return format_html('<span data-job-state="{}">{}</span>', job.status.lower(), job_state(job))

    @admin.display(description="已嘗試")
    def attempts(self, job: DBTaskResult) -> int:
        return len(job.worker_ids)

    @admin.display(description="工作編號")
    def job_id(self, job: DBTaskResult) -> str:
        return str(job.pk)

    @admin.display(description="排入時間", ordering="enqueued_at")
    def enqueued(self, job: DBTaskResult) -> str:
        return _when(job.enqueued_at)

    @admin.display(description="開始時間", ordering="started_at")
    def started(self, job: DBTaskResult) -> str:
        return _when(job.started_at)

    @admin.display(description="完成時間", ordering="finished_at")
    def finished(self, job: DBTaskResult) -> str:
        return _when(job.finished_at)

    @admin.display(description="執行者")
    def workers(self, job: DBTaskResult) -> str:
        return "、".join(job.worker_ids) or "—"

    @admin.display(description="下次執行")
    def next_attempt(self, job: DBTaskResult) -> str:
        if job.status != TaskResultStatus.READY or job.run_after == get_date_max():
            return "—"
        return f"{timezone.localtime(job.run_after):%Y-%m-%d %H:%M:%S}"

    @admin.display(description="錯誤")
    def error(self, job: DBTaskResult) -> str:
        if not job.traceback:
            return "—"
        last = job.traceback.strip().splitlines()[-1]
        return last if len(last) <= 120 else last[:119] + "…"

    @admin.display(description="錯誤詳情")
    def formatted_traceback(self, job: DBTaskResult) -> str:
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', job.traceback or "—")

    @admin.action(description="重試選取的失敗工作", permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.jobs_retry(job_ids=queryset.values_list("id", flat=True), user=request.user)
        skipped = queryset.count() - count
        message = f"已重新排入 {count} 個工作。"
        if skipped:
            message += f"{skipped} 個不是失敗的工作，未處理。"
        self.message_user(request, message, messages.SUCCESS if count else messages.WARNING)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(RETRY_PERMISSION)

    # Jobs are written by the queue only: the page shows them and retries failed ones, nothing else.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: DBTaskResult | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: DBTaskResult | None = None) -> bool:
        return False
