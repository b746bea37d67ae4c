"""The one gate for picture files, shared by the admin form and ``services.image_create``.

``validate_upload`` reads the upload once (never more than ``IMAGE_MAX_BYTES``), checks the name, sniffs the format
from the content with only the decoders we accept (so Pillow never hands an EPS to Ghostscript), insists that the
extension agrees, refuses anything over ``IMAGE_MAX_PIXELS`` (every frame's canvas counted) or ``IMAGE_MAX_FRAMES``
before decoding a pixel (``headers``: the cost read from the frame table), decodes every frame in full (a truncated
file is refused) and returns the normalised file to store. Whatever a decoder or encoder raises on a hostile file
(``struct.error`` included) is a ``ValidationError`` saying so, never a server error:

- the EXIF orientation applied, then EXIF, GPS, XMP, ICC and comments dropped;
- CMYK, 16-bit, odd modes and palettes with transparency turned into 8-bit sRGB ``RGB``/``RGBA``;
- the same format as the upload (an animated GIF, WebP or PNG stays animated).

Nothing is written anywhere: a refused file leaves no row and no file behind.

A file that needs none of that (a JPEG with nothing but a JFIF header, a still PNG or a WebP with only pixel chunks —
as every such file this module writes is) is stored byte for byte as uploaded: no generation loss, and normalising is
idempotent. ``content_hash`` is the SHA-256 of the stored (normalised) file, so it identifies what is on disk, the
same upload always lands on the same row (the encoders are deterministic), and so does a stored file uploaded again.
(After a Pillow upgrade an upload that needed re-encoding may come out different and get a row of its own.)
"""

from __future__ import annotations

import hashlib
import io
import logging
import struct
import warnings
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import ImageCms, UnidentifiedImageError, features
from PIL.JpegImagePlugin import get_sampling

from articles.images.headers import Frames, gif_frames

logger = logging.getLogger(__name__)

# Pillow format -> the extensions that may carry it.
EXTENSIONS = {
    "JPEG": ("jpg", "jpeg", "jpe", "jfif"),
    "PNG": ("png", "apng"),
    "WEBP": ("webp",),
    "GIF": ("gif",),
    "AVIF": ("avif",),
}
ACCEPTED_FORMATS = tuple(f for f in EXTENSIONS if f != "AVIF" or features.check("avif"))
ACCEPTED_MIME_TYPES = tuple(f"image/{f.lower()}" for f in ACCEPTED_FORMATS)
ACCEPTED_LABEL = "JPEG、PNG、WebP、GIF" + ("、AVIF" if "AVIF" in ACCEPTED_FORMATS else "")

# Files we recognise only to refuse them by name (the message says what the editor uploaded).
REFUSED_SIGNATURES = (
    (b"<", "SVG／HTML"),
    (b"%!PS", "EPS／PostScript"),
    (b"\xc5\xd0\xd3\xc6", "EPS"),
    (b"8BPS", "PSD（Photoshop）"),
    (b"%PDF", "PDF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"\x00\x00\x01\x00", "ICO"),
)
HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heif", b"mif1", b"msf1")

JPEG_QUALITY = 90  # when the source's own quantisation tables cannot be kept
LOSSY_QUALITY = 90  # WebP / AVIF originals
AVIF_SPEED = 8  # libaom: 8 keeps a 12-megapixel original around a second


@dataclass(frozen=True)
class Prepared:
    """A validated upload and the normalised file to store in its place."""

    data: bytes
    format: str
    width: int
    height: int
    content_hash: str  # SHA-256 of ``data`` (see the module docstring)
    frames: tuple[PILImage.Image, ...] = field(repr=False, compare=False)  # normalised, for the renditions
    durations: tuple[int, ...] = field(default=(), repr=False, compare=False)
    loop: int = 0

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format][0]

    @property
    def animated(self) -> bool:
        return len(self.frames) > 1


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _read(file, max_bytes: int) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes:
        raise _refuse(f"檔案太大（{_megabytes(size)}），上限是 {_megabytes(max_bytes)}。", "too_large")
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes + 1)
    if hasattr(file, "seek"):
        file.seek(0)
    if len(data) > max_bytes:
        raise _refuse(f"檔案太大，上限是 {_megabytes(max_bytes)}。", "too_large")
    if not data:
        raise _refuse("檔案是空的。", "empty")
    return data


def _extension(name: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        raise _refuse("檔名含有控制字元（例如 NUL），請重新命名後再上傳。", "bad_name")
    # Only the extension is used; the stored name is generated from the content hash.
    base = PurePosixPath(name.replace("\\", "/")).name
    # No extension at all (an image URL like /photo/123) leaves only the content to judge.
    return PurePosixPath(base).suffix.lower().lstrip(".")


def _describe_refused(data: bytes) -> str | None:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    for signature, label in REFUSED_SIGNATURES:
        if head.startswith(signature):
            return label
    if data[4:8] == b"ftyp" and data[8:12] in HEIF_BRANDS:
        return "HEIC／HEIF"
    return None


def _frame_table(probe: PILImage.Image, gif: Frames | None) -> Frames:
    """Every frame's canvas and the frame count, from the headers: nothing decoded (see ``headers``)."""
    if probe.format == "GIF" and gif is not None:
        return gif  # walked before Pillow opened the file
    if probe.format == "MPO":
        return Frames(probe.width, probe.height, 1)  # a camera's extra pictures are dropped: the first is the photo
    return Frames(probe.width, probe.height, getattr(probe, "n_frames", 1))


def _check_frames(frames: Frames, max_pixels: int, max_frames: int) -> None:
    """The one decoder limit: the frame count, then every frame's canvas (and Pillow's own per-frame bomb limit)."""
    if frames.too_many_blocks:
        raise _refuse("GIF 檔的區塊數異常地多，無法安全讀取；請重新匯出後再上傳。", "corrupt")
    if frames.count > max_frames:
        raise _refuse(f"動畫的格數太多（超過 {max_frames:,} 格）；請減少格數後再上傳。", "too_many_frames")
    if frames.count == 0:
        return  # a GIF signature and no frame: nothing to decode, the decoder refuses it for what it is
    width, height, count = frames.width, frames.height, frames.count
    if width <= 0 or height <= 0:
        raise _refuse("圖片的尺寸不正確。", "corrupt")
    pillow_limit = PILImage.MAX_IMAGE_PIXELS or width * height  # Pillow's own bomb limit is per frame
    if width * height * count > max_pixels or width * height > pillow_limit:
        shown = f"{width:,} × {height:,} 像素" + (f" × {count:,} 格" if count > 1 else "")
        raise _refuse(
            f"圖片太大（{shown}），上限是 {max_pixels:,} 像素（動畫的每一格都算）。請縮小後再上傳。", "too_many_pixels"
        )


# Decoder failures a damaged file is expected to cause; anything else is logged too (a hostile file found a new one).
_EXPECTED_DECODER_ERRORS = (OSError, SyntaxError, ValueError, EOFError, zlib.error, struct.error)


def validate_upload(file, *, name: str | None = None) -> Prepared:
    """Check an uploaded picture and return the normalised file to store; raise ``ValidationError`` otherwise."""
    max_bytes, max_pixels, max_frames = settings.IMAGE_MAX_BYTES, settings.IMAGE_MAX_PIXELS, settings.IMAGE_MAX_FRAMES
    extension = _extension(name if name is not None else (getattr(file, "name", None) or ""))
    data = _read(file, max_bytes)
    refused = _describe_refused(data)
    if refused:
        raise _refuse(f"不接受 {refused} 檔；請上傳 {ACCEPTED_LABEL} 圖片。", "unsupported_format")
    if extension and not any(extension in EXTENSIONS[f] for f in ACCEPTED_FORMATS):
        raise _refuse(f"不接受 .{extension} 檔；請上傳 {ACCEPTED_LABEL} 圖片。", "unsupported_extension")
    # A GIF's frame table is walked before Pillow even opens it: its reader costs seconds on some hostile block
    # structures (see ``headers``). The other formats' tables are headers Pillow's open reads cheaply.
    gif = gif_frames(data, max_frames=max_frames) if data[:4] == b"GIF8" else None  # Pillow's GIF signature
    if gif is not None:
        _check_frames(gif, max_pixels, max_frames)
    with warnings.catch_warnings():
        # Pillow only warns between MAX_IMAGE_PIXELS and twice that: a bomb is a bomb.
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            with PILImage.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
                image_format = "JPEG" if probe.format == "MPO" else probe.format  # MPO: a JPEG with extra pictures
                if extension and extension not in EXTENSIONS[image_format]:
                    raise _refuse(
                        f"副檔名 .{extension} 與檔案內容（{image_format}）不符；請確認檔案，"
                        f"或以 .{EXTENSIONS[image_format][0]} 上傳。",
                        "extension_mismatch",
                    )
                table = _frame_table(probe, gif)
                _check_frames(table, max_pixels, max_frames)
                hint = _encoder_options(probe, data)
                clean = _needs_no_normalising(probe, data)
                frames, durations, loop = _normalised_frames(probe, max(table.count, 1), max_pixels)
        except ValidationError:
            raise
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
            message = f"圖片解壓後過大，疑似「解壓縮炸彈」；上限是 {max_pixels:,} 像素。"
            raise _refuse(message, "decompression_bomb") from exc
        except UnidentifiedImageError as exc:
            raise _refuse(f"無法辨識的圖片檔；請上傳 {ACCEPTED_LABEL} 圖片。", "unsupported_format") from exc
        except Exception as exc:
            # Truncated data, broken chunks, oversized text chunks, bad palettes, headers too short to unpack...
            if not isinstance(exc, _EXPECTED_DECODER_ERRORS):
                logger.warning("picture refused: the decoder raised %s: %s", type(exc).__name__, exc)
            raise _refuse("圖片檔不完整或已損毀，請重新匯出後再上傳。", "corrupt") from exc
    try:
        normalised = data if clean else _encode(frames, durations, loop, image_format, hint)
    except Exception as exc:
        # The file decoded, but what it holds cannot be written back in its format: e.g. Pillow merges identical
        # GIF frames and their summed delay no longer fits the format's 16 bits (``struct.error``).
        logger.warning("picture refused: the encoder raised %s: %s", type(exc).__name__, exc)
        raise _refuse("圖片無法重新編碼：檔案內容超出格式的限制（例如動畫每格的停留時間過長），"
                      "請重新匯出後再上傳。", "unencodable") from exc
    return Prepared(
        data=normalised,
        format=image_format,
        width=frames[0].width,
        height=frames[0].height,
        content_hash=hashlib.sha256(normalised).hexdigest(),
        frames=tuple(frames),
        durations=tuple(durations),
        loop=loop,
    )


# --- Normalisation ---------------------------------------------------------------------------------------------------

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(frame: PILImage.Image, icc: bytes | None) -> PILImage.Image:
    """8-bit sRGB ``RGB``, ``RGBA`` or ``L`` (``P`` without transparency kept) whatever came in."""
    if frame.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # 16-bit grey: scale to 8 bits (a plain convert would clip everything above 255 to white).
        frame = frame.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    elif frame.mode == "1":
        frame = frame.convert("L")
    has_alpha = frame.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in frame.info
    target = "RGBA" if has_alpha else "RGB"
    if icc and frame.mode in ("RGB", "RGBA", "CMYK"):
        try:
            profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if frame.mode == "CMYK" or "srgb" not in ImageCms.getProfileDescription(profile).lower():
                output_mode = "RGB" if frame.mode == "CMYK" else frame.mode
                frame = ImageCms.profileToProfile(frame, profile, _SRGB, outputMode=output_mode)
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to Pillow's plain conversion below
    if not has_alpha and frame.mode in ("L", "RGB", "P"):
        return frame  # a palette without transparency stays a (small) palette
    if frame.mode != target:
        frame = frame.convert(target)
    if target == "RGBA" and frame.getextrema()[3][0] == 255:
        frame = frame.convert("RGB")  # an alpha channel that hides nothing
    return frame


def _normalised_frames(probe: PILImage.Image, frame_count: int,
                       max_pixels: int) -> tuple[list[PILImage.Image], list[int], int]:
    """Every frame decoded in full (a truncated file raises here), upright, sRGB, without metadata."""
    icc = probe.info.get("icc_profile")
    transpose = _TRANSPOSE.get(probe.getexif().get(0x0112, 1))
    frames, durations = [], []
    decoded = 0
    for index in range(frame_count):
        probe.seek(index)
        # The headers were checked; should the decoder's canvas ever disagree with them, the limit still holds.
        decoded += probe.width * probe.height
        if decoded > max_pixels:
            raise _refuse(f"圖片太大，上限是 {max_pixels:,} 像素（動畫的每一格都算）。", "too_many_pixels")
        probe.load()
        frame = _to_srgb(probe, icc)
        if transpose is not None:
            frame = frame.transpose(transpose)
        elif frame is probe:
            frame = probe.copy()  # the probe is closed (and its pixels dropped) when we return
        frame.info = {}  # nothing of the upload's metadata travels on
        frames.append(frame)
        durations.append(int(probe.info.get("duration") or 100))
    return frames, durations, int(probe.info.get("loop", 0) or 0)


_TRANSPOSE = {
    2: PILImage.Transpose.FLIP_LEFT_RIGHT, 3: PILImage.Transpose.ROTATE_180, 4: PILImage.Transpose.FLIP_TOP_BOTTOM,
    5: PILImage.Transpose.TRANSPOSE, 6: PILImage.Transpose.ROTATE_270, 7: PILImage.Transpose.TRANSVERSE,
    8: PILImage.Transpose.ROTATE_90,
}


def _needs_no_normalising(probe: PILImage.Image, data: bytes) -> bool:
    """True when the file holds pixels and nothing else we would strip or convert: stored as uploaded."""
    if probe.format == "JPEG":
        return (
            probe.mode in ("RGB", "L")
            and all(marker == "APP0" and body.startswith(b"JFIF\0") for marker, body in probe.applist)
            and data.endswith(b"\xff\xd9")  # nothing hidden after the end-of-image marker
        )
    if probe.format == "PNG":
        return probe.mode in ("RGB", "RGBA", "L", "P") and "transparency" not in probe.info and _png_plain(data)
    if probe.format == "WEBP":
        return _webp_plain(data)
    return False  # GIF (comment and application blocks) and AVIF (metadata items) are always re-encoded


_PNG_PLAIN_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"sRGB", b"pHYs"}


def _png_plain(data: bytes) -> bool:
    position = 8
    while position + 8 <= len(data):
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        if kind not in _PNG_PLAIN_CHUNKS:
            return False
        if kind == b"IHDR" and data[position + 8 + 8] != 8 and data[position + 8 + 9] not in (0, 3):
            return False  # 16-bit colour: converted to 8 bits
        position += 12 + length
        if kind == b"IEND":
            return position == len(data)
    return False


_WEBP_PLAIN_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}


def _webp_plain(data: bytes) -> bool:
    if data[:4] != b"RIFF" or data[8:12] != b"WEBP" or int.from_bytes(data[4:8], "little") + 8 != len(data):
        return False
    position = 12
    while position + 8 <= len(data):
        kind, length = data[position:position + 4], int.from_bytes(data[position + 4:position + 8], "little")
        if kind not in _WEBP_PLAIN_CHUNKS:
            return False  # EXIF, XMP, ICCP
        position += 8 + length + (length & 1)
    return position == len(data)


def _encoder_options(probe: PILImage.Image, data: bytes) -> dict:
    """What to keep of the source's encoding: JPEG quantisation tables (re-encoding then costs almost nothing
    in quality), and whether a WebP was lossless."""
    if probe.format == "JPEG" and probe.mode in ("RGB", "L"):
        options = {"qtables": probe.quantization}
        if probe.getexif().get(0x0112, 1) == 1 and get_sampling(probe) in (0, 1, 2):
            options["subsampling"] = get_sampling(probe)
        return options
    if probe.format == "WEBP":
        lossy, lossless = data.find(b"VP8 ", 12, 4096), data.find(b"VP8L", 12, 4096)
        return {"lossless": lossless != -1 and (lossy == -1 or lossless < lossy)}
    return {}


def _encode(frames: list[PILImage.Image], durations: list[int], loop: int, image_format: str, hint: dict) -> bytes:
    out = io.BytesIO()
    first, rest = frames[0], frames[1:]
    if image_format == "JPEG":
        options = {"qtables": hint["qtables"]} if hint.get("qtables") else {"quality": JPEG_QUALITY}
        if "subsampling" in hint:
            options["subsampling"] = hint["subsampling"]
        flatten(first).save(out, "JPEG", optimize=True, **options)
    elif image_format == "PNG":
        first.save(out, "PNG", compress_level=6, **_animation(rest, durations, loop, png=True))
    elif image_format == "WEBP":
        options = {"lossless": True} if hint.get("lossless") else {"quality": LOSSY_QUALITY}
        first.save(out, "WEBP", method=4, **options, **_animation(rest, durations, loop))
    elif image_format == "GIF":
        first.save(out, "GIF", **_animation(rest, durations, loop))
    elif image_format == "AVIF":
        first.save(out, "AVIF", quality=LOSSY_QUALITY, speed=AVIF_SPEED, **_animation(rest, durations, loop))
    else:  # pragma: no cover - ACCEPTED_FORMATS and this list move together
        raise ValueError(image_format)
    return out.getvalue()


def _animation(rest: list[PILImage.Image], durations: list[int], loop: int, png: bool = False) -> dict:
    if not rest:
        return {}
    options = {"save_all": True, "append_images": rest, "duration": durations, "loop": loop}
    if png:
        options["default_image"] = False
    return options


def flatten(frame: PILImage.Image, background=(255, 255, 255)) -> PILImage.Image:
    """An ``RGB``/``L`` version of ``frame`` with any transparency laid on white: JPEG has no alpha."""
    if frame.mode in ("RGB", "L"):
        return frame
    rgba = frame.convert("RGBA")
    base = PILImage.new("RGB", rgba.size, background)
    base.paste(rgba, mask=rgba.getchannel("A"))
    return base
