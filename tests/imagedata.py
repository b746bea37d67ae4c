"""Image files made on the fly for tests and for `make bench` (bench/images.py): nothing in articles/ uses them."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image as PILImage
from PIL import ImageDraw


def decompression_bomb_png(side: int = 30_000) -> bytes:
    """A valid, all-black greyscale PNG of ``side`` × ``side`` pixels: about a megabyte that decodes to gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    compressor = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte + pixels
    body = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


def sample_jpeg(width: int = 4000, height: int = 3000, *, quality: int = 90) -> bytes:
    """A busy photo-like JPEG (gradients and lines, so the encoders have real work to do)."""
    picture = PILImage.linear_gradient("L").resize((width, height)).convert("RGB")
    pen = ImageDraw.Draw(picture)
    for x in range(0, width, max(1, width // 80)):
        pen.line((x, 0, width - x, height), fill=(x % 256, 120, 255 - x % 256), width=max(1, width // 800))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality)
    return out.getvalue()
