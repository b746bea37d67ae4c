"""Small pieces the service modules share."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied

# user=None means a trusted caller: a management command, a migration, an import.
User = AbstractBaseUser | AnonymousUser | None

PUBLISH_PERMISSION = "articles.publish_article"
ARCHIVE_PERMISSION = "articles.archive_article"


def require(user: User, perm: str, message: str) -> None:
    """Refuse a user without ``perm`` (``user=None`` is a trusted caller: a management command, a migration)."""
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(message)


# Writers work on drafts and articles in review; whatever is scheduled, published or archived is the editors'.
WRITER_STATUSES = ("draft", "review")


def article_editable_by(user: User, status: str) -> bool:
    """Whether ``user`` may change an article whose status is ``status`` (the one home of the writers' rule: the
    admin form, its status choices and autosave ask here)."""
    return user is None or status in WRITER_STATUSES or user.has_perm(PUBLISH_PERMISSION)
