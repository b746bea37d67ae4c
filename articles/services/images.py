"""Images: stored once per distinct file, validated before anything is written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.db import transaction

from articles import images
from articles.models import Image
from articles.services.common import User


@transaction.atomic
def image_create(
    *,
    file: File,
    alt_text: str,
    credit: str = "",
    caption: str = "",
    ai_generated: bool = False,
    source=None,
    user: User = None,
) -> Image:
    """Store an uploaded picture once per distinct content; return the existing row for a duplicate."""
    try:
        inspected = images.inspect_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    existing = Image.objects.filter(content_hash=inspected.content_hash).first()
    if existing is not None:
        return existing
    image = Image(
        alt_text=alt_text,
        credit=credit,
        caption=caption,
        ai_generated=ai_generated,
        source=source,
        format=inspected.format,
        content_hash=inspected.content_hash,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    image.file.save(f"upload.{inspected.format.lower()}", file, save=False)
    image.full_clean()
    image.save()
    return image
