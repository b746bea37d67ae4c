"""Background jobs (interim: runs each job right after the commit; replaced by the task-queue infrastructure)."""

from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction
from django_tasks import task

__all__ = ["enqueue", "task"]


def enqueue(task, *, key: str, **kwargs: Any) -> None:
    transaction.on_commit(partial(task.func, **kwargs), robust=True)
