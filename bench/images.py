"""The image figures of `make bench` (bench/extras.py): validating a decompression bomb, making every rendition.

They call the upload checks and the rendition code exactly as an upload does; only the timing lives here.
"""

from __future__ import annotations

import io
import time
import tracemalloc

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from articles.images import renditions, validate_upload
from tests.imagedata import decompression_bomb_png, sample_jpeg


def bench_validate_bomb(data: bytes | None = None) -> dict:
    """Validate a decompression bomb once: seconds taken and peak Python-heap bytes (it must be refused)."""
    payload = data if data is not None else decompression_bomb_png()
    tracemalloc.start()
    started = time.perf_counter()
    try:
        validate_upload(ContentFile(payload, name="bomb.png"))
    except ValidationError as exc:
        code = exc.code
    else:
        code = "accepted"
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": seconds, "peak_bytes": peak, "input_bytes": len(payload), "refused": code}


def bench_make_all(data: bytes | None = None) -> dict:
    """Decode a stored 4000 × 3000 JPEG and make every rendition it gets, as ``renditions_ensure`` does (no DB)."""
    payload = data if data is not None else sample_jpeg()
    started = time.perf_counter()
    specs = renditions.specs_for(*PILImage.open(io.BytesIO(payload)).size)
    source = renditions.source_open(io.BytesIO(payload), specs=specs)
    made = [renditions.render(source, spec) for spec in specs]
    return {"seconds": time.perf_counter() - started, "renditions": len(made),
            "bytes": sum(len(r.data) for r in made), "size": source.size}
