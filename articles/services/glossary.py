"""Glossary terms: saved through OpenCC's dictionary mechanism; every conversion reads the glossary as it is."""

from __future__ import annotations

from django.db import transaction

from articles.models import AuditEntry, GlossaryTerm
from articles.services.audit import audit_record
from articles.services.common import User


def _describe(term: GlossaryTerm) -> str:
    return f"{term.simplified} → {term.traditional}{'' if term.active else '（停用）'}"


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm, user: User = None) -> GlossaryTerm:
    """Add or change a glossary term; every worker picks it up after the commit."""
    if user is not None and getattr(user, "is_authenticated", False):
        term.updated_by = user
    term.full_clean()
    old = None
    if term.pk is not None:
        old = GlossaryTerm.objects.filter(pk=term.pk).first()
    term.save()
    if old is None:
        audit_record(action=AuditEntry.Action.GLOSSARY_ADD, obj=term, user=user, to_value=_describe(term))
    elif _describe(old) != _describe(term):
        audit_record(action=AuditEntry.Action.GLOSSARY_CHANGE, obj=term, user=user, from_value=_describe(old),
                     to_value=_describe(term))
    return term


@transaction.atomic
def glossary_term_delete(*, term: GlossaryTerm, user: User = None) -> None:
    """Remove a glossary term; every worker drops it after the commit."""
    audit_record(action=AuditEntry.Action.GLOSSARY_DELETE, obj=term, user=user, from_value=_describe(term))
    term.delete()
