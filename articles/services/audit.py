"""The audit trail: who took which editorial decision, and when."""

from __future__ import annotations

from django.db import models, transaction

from articles.models import AuditEntry
from articles.services.common import User


def _actor(user: User):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


@transaction.atomic
def audit_record(
    *, action: str, obj: models.Model, user: User = None, from_value: str = "", to_value: str = "", note: str = ""
) -> AuditEntry:
    """Write one audit entry about ``obj``."""
    return AuditEntry.objects.create(
        action=action, user=_actor(user), object_type=obj._meta.label_lower, object_id=obj.pk,
        object_repr=str(obj)[:300], from_value=str(from_value)[:300], to_value=str(to_value)[:300], note=note,
    )

