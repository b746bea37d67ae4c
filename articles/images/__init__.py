"""Pictures: validating uploads (``validation``) and making their renditions (``renditions``). The validation API is
importable from ``articles.images``."""

from articles.images.validation import (  # noqa: F401
    ACCEPTED_FORMATS,
    ACCEPTED_LABEL,
    ACCEPTED_MIME_TYPES,
    AVIF_SPEED,
    EXTENSIONS,
    HEIF_BRANDS,
    JPEG_QUALITY,
    LOSSY_QUALITY,
    REFUSED_SIGNATURES,
    Prepared,
    flatten,
    validate_upload,
)
