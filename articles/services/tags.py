"""Tags: editing one keeps the pages that show it current; names in either script land on one canonical tag."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction

from articles import events
from articles.models import Tag
from articles.text import chinese


@transaction.atomic
def tag_save(*, tag: Tag) -> Tag:
    """Save an edited tag (its name in both scripts, its slug); the article pages listing it are rendered anew."""
    shown = Tag.objects.filter(pk=tag.pk).values("name", "name_hans", "slug").first() if tag.pk else None
    tag.full_clean()
    tag.save()
    if shown is not None and shown != {"name": tag.name, "name_hans": tag.name_hans, "slug": tag.slug}:
        events.record(tags=[tag.pk])
    return tag


def tag_canonical_name(name: str) -> str:
    """The form a tag name is stored in: Traditional, without surrounding space ("" for a blank name)."""
    return chinese.to_hant(name.strip())


@transaction.atomic
def tags_for_names(*, names: Iterable[str]) -> dict[str, Tag]:
    """The canonical tag of each of ``names`` (either script), created when new: ``{name as given: tag}`` (blank
    names left out).

    The tags ``article.tags.set(names)`` would use (``CanonicalTagManager``, case-insensitive as
    ``TAGGIT_CASE_INSENSITIVE`` asks), in one query when every name is stored as written: a name is looked up as
    stored first, then case-insensitively (the oldest such tag, as taggit picks it), and only then created.
    """
    canonical = {name: tag_canonical_name(name) for name in names}
    wanted = set(filter(None, canonical.values()))
    found = {tag.name: tag for tag in Tag.objects.filter(name__in=wanted)} if wanted else {}
    for name in sorted(wanted - found.keys()):
        found[name] = Tag.objects.filter(name__iexact=name).order_by("pk").first() or _tag_create(name)
    return {name: found[form] for name, form in canonical.items() if form}


def _tag_create(name: str) -> Tag:
    try:
        with transaction.atomic():
            return Tag.objects.create(name=name)
    except IntegrityError:  # created a moment ago by someone else: theirs is the one tag
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            raise
        return tag
