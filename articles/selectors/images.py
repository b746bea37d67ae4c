"""Pictures from the library for the body editor's figure picker."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from articles.models import Image, Rendition

PICKER_LIMIT = 24
# Every text an editor may search by, in both scripts (a query typed in either finds the picture).
_SEARCHED = ("alt_text", "alt_hant", "alt_hans", "caption", "caption_hant", "caption_hans", "credit", "credit_hant",
             "credit_hans")


def image_list_for_picker(*, query: str = "", pk: int | None = None, limit: int = PICKER_LIMIT) -> list[Image]:
    """The newest pictures whose alt text, caption or credit contain every word of ``query`` (only picture ``pk``
    if given), with their JPEG width renditions prefetched (two queries, however many match)."""
    images = Image.objects.filter(pk=pk) if pk is not None else Image.objects.all()
    images = images.prefetch_related(
        Prefetch("renditions", queryset=Rendition.objects.filter(format="JPEG", spec__startswith="w")
                 .order_by("width"))
    ).order_by("-created_at", "-id")
    for word in query.split()[:8]:
        condition = Q()
        for field in _SEARCHED:
            condition |= Q(**{f"{field}__icontains": word})
        images = images.filter(condition)
    return list(images[:limit])
