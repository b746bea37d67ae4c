"""Glossary terms: saved through OpenCC's dictionary mechanism, picked up by every worker."""

from __future__ import annotations

from django.db import transaction

from articles import chinese
from articles.models import GlossaryTerm
from articles.services.common import User


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm, user: User = None) -> GlossaryTerm:
    """Add or change a glossary term; every worker picks it up after the commit."""
    if user is not None and getattr(user, "is_authenticated", False):
        term.updated_by = user
    term.full_clean()
    term.save()
    transaction.on_commit(chinese.glossary_changed)
    return term


@transaction.atomic
def glossary_term_delete(*, term: GlossaryTerm, user: User = None) -> None:
    """Remove a glossary term; every worker drops it after the commit."""
    term.delete()
    transaction.on_commit(chinese.glossary_changed)
