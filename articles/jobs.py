"""Background jobs: the one way to run work after a write, on Django's Tasks API (django-tasks).

Defining a job: a module-level function decorated with ``@task()`` (re-exported here), named
``<what>_<verb>_task`` (``article_render_task``, ``renditions_make_task``), taking keyword-only JSON values (ids,
never model instances) and reading the current data when it runs — so a job that runs late, twice or after a
newer edit still does the right thing.

Queueing it: ``jobs.enqueue(article_render_task, key=f"render:article:{pk}", article_id=pk)``.
- It is queued only when the current transaction commits (nothing on rollback).
- It is coalesced per ``key``: while a job with that key waits (queued, not started), another is not added — the
  waiting one will read the latest data. The check is a unique row in the database (``JobKey``), shared by every
  process and host, never one process's memory. Once a worker starts the job, the next enqueue queues a new one.
- Big sets go through ``enqueue_chunks``: one job per ``CHUNK_SIZE`` ids, every id in exactly one job.

Running: ``manage.py run_tasks`` (see ``run_pending``). A job that raises is tried again after each delay in
``settings.TASK_RETRY_DELAYS`` (10 s, 60 s, 300 s), then left failed with its error for editors to see (admin →
背景工作) and retry. Retries are rows with a time, so a worker restart loses none; a job left "running" by a worker
that died is tried again after ``settings.TASK_STALE_AFTER``.

Backends: the database backend (``django_tasks_db``) is the queue in production; under the immediate backend (the
test run) a job runs right after the commit, in the process that queued it, and there is nothing to coalesce.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, close_old_connections, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskContext, TaskResultStatus, task, task_backends
from django_tasks.base import Task
from django_tasks.signals import task_finished, task_started
from django_tasks.utils import normalize_json
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from articles.models import JobKey

__all__ = ["CHUNK_SIZE", "RunSummary", "counts", "enqueue", "enqueue_chunks", "retry_failed", "run_pending", "task",
           "uses_queue"]

logger = logging.getLogger(__name__)

# Ids per job when a big set is split: small enough that one job finishes in seconds.
CHUNK_SIZE = 200
KEY_MAX_LENGTH = JobKey._meta.get_field("key").max_length


def uses_queue(alias: str = "default") -> bool:
    """Whether jobs for this backend wait in the database queue for ``run_tasks`` (else they run elsewhere)."""
    return isinstance(task_backends[alias], DatabaseBackend)


def enqueue(task: Task, *, key: str, **kwargs: Any) -> None:
    """Queue ``task(**kwargs)`` to run in the background once the current transaction commits, once per ``key``."""
    if not isinstance(task, Task):
        raise TypeError(f"{task!r} is not a task: decorate it with @jobs.task().")
    if not key or len(key) > KEY_MAX_LENGTH:
        raise ValueError(f"A job key must be 1 to {KEY_MAX_LENGTH} characters: {key!r}.")
    # Fail here, at the caller, when an argument cannot be stored (a model instance, a set...).
    kwargs = normalize_json(kwargs)
    # robust: the write has committed whatever happens here; one failed enqueue must not stop the others.
    transaction.on_commit(partial(_enqueue_now, task, key, kwargs), robust=True)


def enqueue_chunks(task: Task, *, key: str, ids: Iterable[int], chunk_size: int = CHUNK_SIZE,
                   **kwargs: Any) -> int:
    """Split ``ids`` into jobs of ``chunk_size`` (``task(ids=[...], **kwargs)``); returns how many jobs."""
    unique = sorted(set(ids))
    chunks = [unique[start:start + chunk_size] for start in range(0, len(unique), chunk_size)]
    for chunk in chunks:
        # The same chunk queued twice while waiting is one job; a different chunk is always its own job.
        digest = hashlib.sha256(",".join(map(str, chunk)).encode()).hexdigest()[:16]
        enqueue(task, key=f"{key[:KEY_MAX_LENGTH - 40]}:{chunk[0]}-{chunk[-1]}:{digest}", ids=chunk, **kwargs)
    return len(chunks)


def _enqueue_now(task: Task, key: str, kwargs: dict) -> None:
    if not isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(**kwargs)
        return
    with transaction.atomic():
        waiting = JobKey.objects.filter(key=key, waiting=True).values_list("result_id", flat=True).first()
        if waiting is not None:
            _bring_forward(waiting)
            return
        try:
            with transaction.atomic():
                result = task.enqueue(**kwargs)
                JobKey.objects.create(result_id=result.id, key=key)
        except IntegrityError:
            # Another process queued this key between our check and our insert: that job will do.
            pass


def _bring_forward(result_id) -> None:
    """A new request for a job waiting out a retry delay runs it now: it is fresh work, not only a retry."""
    now = timezone.now()
    DBTaskResult.objects.filter(id=result_id, status=TaskResultStatus.READY, run_after__gt=now,
                                run_after__lt=get_date_max()).update(run_after=now)


def _requeue(job: DBTaskResult, *, run_after: datetime.datetime, error: BaseException | None = None) -> None:
    """Put a job back in the queue (a retry); it takes its key again unless a newer job with that key waits."""
    job.status = TaskResultStatus.READY
    job.run_after = run_after
    fields = ["status", "run_after"]
    if error is not None:
        # The last error stays visible while the job waits for its next attempt.
        job.exception_class_path = f"{type(error).__module__}.{type(error).__qualname__}"
        job.traceback = "".join(traceback.format_exception(error))
        job.finished_at = timezone.now()
        fields += ["exception_class_path", "traceback", "finished_at"]
    with transaction.atomic():
        job.save(update_fields=fields)
        try:
            with transaction.atomic():
                JobKey.objects.filter(result=job).update(waiting=True)
        except IntegrityError:
            pass  # a newer job with this key waits and will do the same work; this retry runs anyway


def retry_failed(*, job_ids: Iterable) -> int:
    """Queue failed jobs again, now, with a fresh set of attempts (the admin's retry action)."""
    count = 0
    for job in DBTaskResult.objects.filter(id__in=list(job_ids), status=TaskResultStatus.FAILED):
        job.worker_ids = []
        job.save(update_fields=["worker_ids"])
        _requeue(job, run_after=timezone.now())
        count += 1
    return count


def counts() -> dict[str, int]:
    """How many jobs wait (retries included) and how many failed for good, for the admin index."""
    rows = dict(DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.FAILED])
                .values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {"pending": rows.get(TaskResultStatus.READY, 0), "failed": rows.get(TaskResultStatus.FAILED, 0)}


# --- The worker ---------------------------------------------------------------------------------------------


@dataclass
class RunSummary:
    """What one ``run_pending`` call did."""

    done: int = 0
    retrying: int = 0
    failed: int = 0
    failed_ids: list[str] = field(default_factory=list)

    @property
    def ran(self) -> int:
        return self.done + self.retrying + self.failed


@dataclass
class Outcome:
    """One attempt of one job, for the progress line."""

    job: DBTaskResult
    state: str  # "done", "retrying" or "failed"
    seconds: float
    error: str = ""
    retry_in: int | None = None


def _claim(alias: str, worker_id: str) -> tuple[DBTaskResult | None, bool]:
    """Take the next due job, so no other worker can (row lock + status in one transaction)."""
    jobs = DBTaskResult.objects.ready().filter(backend_name=alias)
    if not jobs.exists():
        return None, True  # a plain read first: an idle worker polling must not take SQLite's write lock
    try:
        with exclusive_transaction(jobs.db):
            job = jobs.get_locked()
            if job is not None:
                job.claim(worker_id)
                # Started: a new enqueue with this key must now queue a new job, which will see newer data.
                JobKey.objects.filter(result=job, waiting=True).update(waiting=False)
            return job, True
    except OperationalError as error:
        if is_locked_database_exception(error):
            return None, False
        raise


def _recover_stale(alias: str) -> int:
    """Jobs 'running' for longer than TASK_STALE_AFTER belong to a worker that died: count that as a failed try."""
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.TASK_STALE_AFTER)
    count = 0
    for job in DBTaskResult.objects.running().filter(backend_name=alias, started_at__lt=cutoff):
        _after_failure(job, RuntimeError("工作執行中斷（執行它的 worker 已停止），重新排入"))
        count += 1
    return count


def _after_failure(job: DBTaskResult, error: BaseException) -> int | None:
    """Retry after the next delay, or leave the job failed for good; returns the delay or None."""
    delays = settings.TASK_RETRY_DELAYS
    attempts = len(job.worker_ids)
    if attempts <= len(delays):
        delay = delays[attempts - 1] if attempts else delays[0]
        _requeue(job, run_after=timezone.now() + datetime.timedelta(seconds=delay), error=error)
        return delay
    job.set_failed(error)
    return None


def _run(job: DBTaskResult) -> Outcome:
    started = time.monotonic()
    backend_type: type = DatabaseBackend
    try:
        task = job.task  # ImportError when the code that queued it is gone: fails like any other error
        backend_type = type(task.get_backend())
        result = job.task_result
        task_started.send(sender=backend_type, task_result=result)
        if task.takes_context:
            value = task.call(TaskContext(task_result=result), *result.args, **result.kwargs)
        else:
            value = task.call(*result.args, **result.kwargs)
        job.set_successful(normalize_json(value))
    except (KeyboardInterrupt, SystemExit):
        # The worker is being stopped mid-job: put the job straight back rather than leave it "running".
        _requeue(job, run_after=timezone.now())
        raise
    except Exception as error:
        retry_in = _after_failure(job, error)
        state = "retrying" if retry_in is not None else "failed"
        if state == "failed":
            logger.error("Job %s (%s) failed for good after %s attempts: %r", job.id, job.task_path,
                         len(job.worker_ids), error)
        else:
            logger.warning("Job %s (%s) failed, retrying in %ss: %r", job.id, job.task_path, retry_in, error)
        return Outcome(job, state, time.monotonic() - started, error=f"{type(error).__name__}: {error}",
                       retry_in=retry_in)
    task_finished.send(sender=backend_type, task_result=job.task_result)
    return Outcome(job, "done", time.monotonic() - started)


def run_pending(*, alias: str = "default", forever: bool = False, interval: float = 1.0,
                max_jobs: int | None = None, on_outcome: Callable[[Outcome], None] | None = None,
                should_stop: Callable[[], bool] = lambda: False, worker_id: str | None = None) -> RunSummary:
    """Run due jobs of the database queue one at a time until none is due (or, ``forever``, until stopped).

    Any number of workers may run at once: each job is claimed in a transaction that locks its row
    (``SKIP LOCKED`` on PostgreSQL, an exclusive transaction on SQLite), so no job runs twice.
    """
    worker_id = worker_id or get_random_string(32)
    summary = RunSummary()
    _recover_stale(alias)
    last_recovery = time.monotonic()
    while not should_stop():
        if not transaction.get_connection().in_atomic_block:  # inside a caller's transaction (tests): keep it
            close_old_connections()  # drop connections the database closed while we slept
        job, answered = _claim(alias, worker_id)
        if job is None:
            if answered and not forever:
                break
            if forever and time.monotonic() - last_recovery > 60:
                _recover_stale(alias)
                last_recovery = time.monotonic()
            time.sleep(interval if answered else 0.1)
            continue
        outcome = _run(job)
        if outcome.state == "done":
            summary.done += 1
        elif outcome.state == "retrying":
            summary.retrying += 1
        else:
            summary.failed += 1
            summary.failed_ids.append(str(job.id))
        if on_outcome is not None:
            on_outcome(outcome)
        if max_jobs is not None and summary.ran >= max_jobs:
            break
    return summary
