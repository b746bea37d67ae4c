"""Small pieces the service modules share."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# user=None means a trusted caller: a management command, a migration, an import.
User = AbstractBaseUser | AnonymousUser | None
