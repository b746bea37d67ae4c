"""Sources: saving one, with its reprint permission on the record and the pages that show it kept current."""

from __future__ import annotations

from django.db import transaction

from articles import events
from articles.models import AuditEntry, Source
from articles.services.audit import audit_record
from articles.services.common import User

# What article pages show of a source (its name in both scripts, its page, its homepage as the upstream link,
# its default copyright notice), and whether they are public at all (its reprint permission).
SHOWN = ("name", "name_hant", "name_hans", "slug", "homepage", "copyright_notice", "reprint_permission",
         "permission_expires")


def _permission_text(permission: str, expires, note: str) -> str:
    text = dict(Source.Permission.choices).get(permission, permission)
    if expires:
        text += f"（到期 {expires:%Y-%m-%d}）"
    if note:
        text += f"：{note}"
    return text


@transaction.atomic
def source_save(*, source: Source, user: User = None) -> Source:
    """Create or update a source; a change to its reprint permission is written to the audit trail.

    Pages showing the source are rendered again after a change of what they show of it (a new default
    copyright notice reaches every article without one of its own) or of its permission (articles leave or
    return to the public site at once, their cached pages dropped).
    """
    old = shown = None
    if source.pk is not None:
        old = Source.objects.filter(pk=source.pk).values(
            "reprint_permission", "permission_expires", "permission_note").first()
        shown = Source.objects.filter(pk=source.pk).values(*SHOWN).first()
    source.full_clean()
    source.save()
    if shown is not None and shown != {name: getattr(source, name) for name in SHOWN}:
        events.record(sources=[source.pk])
    new = {"reprint_permission": source.reprint_permission, "permission_expires": source.permission_expires,
           "permission_note": source.permission_note}
    if old is None:
        old_text = "（新來源）"
    elif old == new:
        return source
    else:
        old_text = _permission_text(old["reprint_permission"], old["permission_expires"], old["permission_note"])
    audit_record(action=AuditEntry.Action.PERMISSION, obj=source, user=user, from_value=old_text,
                 to_value=_permission_text(source.reprint_permission, source.permission_expires,
                                           source.permission_note))
    return source
