"""Checks on uploaded picture files, shared by the admin form and the services."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class Inspected:
    format: str
    content_hash: str
    width: int
    height: int


def inspect_upload(file) -> Inspected:
    """Hash and sniff an uploaded file; raise ``ValidationError`` for anything but a picture we accept."""
    file.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(1 << 16), b""):
        digest.update(chunk)
    file.seek(0)
    try:
        with PILImage.open(file) as probe:
            image_format = (probe.format or "").upper()
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, PILImage.DecompressionBombError) as exc:
        raise ValidationError("無法辨識的圖片檔，請上傳 JPEG、PNG、WebP 或 GIF。", code="invalid_image") from exc
    finally:
        file.seek(0)
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(
            f"不支援 {image_format or '此'} 格式，請上傳 JPEG、PNG、WebP 或 GIF。", code="unsupported_format"
        )
    return Inspected(format=image_format, content_hash=digest.hexdigest(), width=width, height=height)
