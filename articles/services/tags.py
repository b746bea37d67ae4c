"""Tags: editing one keeps the pages that show it current."""

from __future__ import annotations

from django.db import transaction

from articles import prerender
from articles.models import Tag


@transaction.atomic
def tag_save(*, tag: Tag) -> Tag:
    """Save an edited tag (its name in both scripts, its slug); the article pages listing it are rendered anew."""
    created = tag.pk is None
    tag.full_clean()
    tag.save()
    if not created:
        transaction.on_commit(lambda: prerender.refresh_showing(tag=tag))
    return tag
