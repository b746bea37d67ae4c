"""Tags: editing one keeps the pages that show it current."""

from __future__ import annotations

from django.db import transaction

from articles import events
from articles.models import Tag


@transaction.atomic
def tag_save(*, tag: Tag) -> Tag:
    """Save an edited tag (its name in both scripts, its slug); the article pages listing it are rendered anew."""
    shown = Tag.objects.filter(pk=tag.pk).values("name", "name_hans", "slug").first() if tag.pk else None
    tag.full_clean()
    tag.save()
    if shown is not None and shown != {"name": tag.name, "name_hans": tag.name_hans, "slug": tag.slug}:
        events.record(tags=[tag.pk])
    return tag
