"""Slugs in the root site's script: Traditional, whatever script a title or name was written in.

The Traditional site is at the root and both sites share their paths (DESIGN.md), so one slug serves both scripts
and it is the Traditional one. A slug is converted when it is made or changed, never again on a later save, so a
converter or glossary change never moves a URL by itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify

from articles.text import variants


def traditional_slug(text: str, *, max_length: int = 200, fallback: str = "") -> str:
    """``text`` (a title, a name, or a slug typed in either script) as a Traditional unicode slug: Simplified text is
    converted, Traditional text kept as typed (``variants.both_ways``), so a Traditional slug is its own slug."""
    traditional, _simplified = variants.both_ways(text or "")
    return slugify(traditional, allow_unicode=True)[:max_length].strip("-") or fallback


class StoredSlugMixin:
    """Remembers the slug a row was loaded with, so ``save()`` converts only a new or edited slug."""

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_slug = instance.__dict__.get("slug")
        return instance

    @property
    def stored_slug(self) -> str | None:
        """The slug as read from the database (None for a new row or a deferred slug)."""
        return getattr(self, "_stored_slug", None)

    def slug_edited(self) -> bool:
        return self.slug != self.stored_slug

    def mark_slug_stored(self) -> None:
        self._stored_slug = self.slug


def free_slug(model: type[models.Model], slug: str, *, pk, max_length: int) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` … when another row of ``model`` has it already."""
    candidate, number = slug, 1
    while model._default_manager.filter(slug=candidate).exclude(pk=pk).exists():
        number += 1
        suffix = f"-{number}"
        candidate = slug[:max_length - len(suffix)] + suffix
    return candidate


class FormerSlug(models.Model):
    """A slug a row had before, kept so its old addresses answer 301 to the new one. A subclass names its row's
    foreign key in ``OWNER`` and declares ``slug`` (as long as the row's own)."""

    OWNER = ""
    created_at = models.DateTimeField("改名時間", auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.slug} → {getattr(self, f'{self.OWNER}_id')}"

    @classmethod
    def remember(cls, *, owner: models.Model, slug: str) -> None:
        """Keep ``slug`` pointing at ``owner`` (the latest owner of an old slug wins); a live slug is no old one."""
        cls.objects.update_or_create(slug=slug, defaults={cls.OWNER: owner})
        cls.objects.filter(slug=owner.slug).delete()


def find_by_slug(model: type[models.Model], former: type[FormerSlug], slug: str, *, max_length: int,
                 ) -> tuple[models.Model | None, bool]:
    """The row a path's slug names, and whether that slug is an old one (to answer 301): its slug, a slug it had
    before (``former``), or the same slug typed in Simplified."""
    found = model.objects.filter(slug=slug).first()
    if found is not None:
        return found, False
    old = former.objects.select_related(former.OWNER).filter(slug=slug).first()
    if old is not None:
        return getattr(old, former.OWNER), True
    converted = traditional_slug(slug, max_length=max_length)
    if converted and converted != slug:
        return model.objects.filter(slug=converted).first(), True
    return None, False
