"""Background jobs as editors handle them: retrying the ones that failed."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db import transaction

from articles import jobs
from articles.services.common import User

RETRY_PERMISSION = "articles.change_backgroundjob"


@transaction.atomic
def jobs_retry(*, job_ids: Iterable, user: User = None) -> int:
    """Queue failed background jobs again, now, with a fresh set of attempts; returns how many."""
    if user is not None and not user.has_perm(RETRY_PERMISSION):
        raise PermissionDenied("只有編輯可以重試背景工作。")
    return jobs.retry_failed(job_ids=job_ids)
