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
