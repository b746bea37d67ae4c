"""Rendition specs and the pixel work behind them; the rows and files are written by ``services.renditions_ensure``.

Every image gets, made at upload/import and publish time (never on a reader's request):

- ``w480``, ``w800``, ``w1200`` in WebP (``-webp``) with a JPEG fallback (``-jpeg``) for article and list layouts —
  never wider than the original: a spec wider than the picture is made at the picture's own width, and widths past
  that are skipped, so ``srcset`` never lists the same pixels twice;
- ``og-jpeg``, a 1200 × 630 crop around the image's focal point for social previews (smaller only when the original
  is smaller: nothing is ever upscaled).

An animated original gets animated WebP renditions; its JPEG fallbacks and social crop show the first frame.
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from PIL import Image as PILImage

from articles.images.validation import flatten

WIDTHS = (480, 800, 1200)
SOCIAL_SIZE = (1200, 630)
SOCIAL_SPEC = "og-jpeg"
WEBP_QUALITY = 80
JPEG_QUALITY = 82
RESAMPLE = PILImage.Resampling.LANCZOS
REDUCING_GAP = 2.0  # box-reduce first, then Lanczos over at most twice the target: fast and visually identical


@dataclass(frozen=True)
class Spec:
    name: str
    format: str  # "WEBP" or "JPEG"
    width: int  # the widest the rendition may be
    height: int = 0  # 0: keep the aspect ratio; otherwise crop to width × height around the focal point

    @property
    def is_crop(self) -> bool:
        return bool(self.height)


@dataclass(frozen=True)
class Rendered:
    data: bytes
    width: int
    height: int
    format: str


@dataclass
class Source:
    """The decoded pixels renditions are made from (frames of an animation), with the focal point."""

    frames: list[PILImage.Image]
    durations: list[int] = field(default_factory=list)
    loop: int = 0
    focal_x: float = 0.5
    focal_y: float = 0.5
    # The original's size: a JPEG opened in draft mode is decoded smaller, and specs are chosen from the original.
    original_size: tuple[int, int] = (0, 0)

    @property
    def size(self) -> tuple[int, int]:
        return self.original_size if self.original_size != (0, 0) else self.frames[0].size


def specs_for(width: int, height: int) -> list[Spec]:
    """The renditions an image of this size gets (its spec names are what ``Rendition.spec`` stores)."""
    specs = []
    for target in WIDTHS:
        for image_format, suffix in (("WEBP", "webp"), ("JPEG", "jpeg")):
            specs.append(Spec(f"w{target}-{suffix}", image_format, target))
        if target >= width:
            break  # this one is made at the original's width; wider ones would only repeat it
    specs.append(Spec(SOCIAL_SPEC, "JPEG", *SOCIAL_SIZE))
    return specs


def spec_names_for(width: int, height: int) -> set[str]:
    return {spec.name for spec in specs_for(width, height)}


def source_from_prepared(prepared, *, focal_x: float = 0.5, focal_y: float = 0.5) -> Source:
    """Reuse the pixels ``images.validate_upload`` already decoded (no second decode at upload time)."""
    return Source(frames=list(prepared.frames), durations=list(prepared.durations), loop=prepared.loop,
                  focal_x=focal_x, focal_y=focal_y)


def source_open(file, *, focal_x: float = 0.5, focal_y: float = 0.5, specs: Iterable[Spec] = ()) -> Source:
    """Decode a stored (already normalised) original; a JPEG only at the scale the largest ``specs`` need."""
    with PILImage.open(file) as opened:
        size = opened.size
        if opened.format == "JPEG":
            needed = _needed_size(size, list(specs) or specs_for(*size))
            opened.draft("RGB" if opened.mode == "RGB" else opened.mode, needed)
        frames, durations = [], []
        for index in range(getattr(opened, "n_frames", 1)):
            opened.seek(index)
            opened.load()
            frames.append(opened.copy())
            durations.append(int(opened.info.get("duration") or 100))
        loop = int(opened.info.get("loop", 0) or 0)
    return Source(frames=frames, durations=durations, loop=loop, focal_x=focal_x, focal_y=focal_y,
                  original_size=size)


def reduced(source: Source, specs: Iterable[Spec]) -> Source:
    """``source`` box-reduced by a whole factor while still large enough for every spec: one cheap pass over the
    big picture instead of one per rendition (what draft mode does for a JPEG read from storage)."""
    need_w, need_h = _needed_size(source.size, list(specs))
    decoded_w, decoded_h = source.frames[0].size
    scale = decoded_w / source.size[0]
    factor = min(decoded_w // max(1, math.ceil(need_w * scale)), decoded_h // max(1, math.ceil(need_h * scale)))
    if factor < 2:
        return source
    return replace(source, frames=[frame.reduce(factor) for frame in source.frames], original_size=source.size)


def _needed_size(size: tuple[int, int], specs: list[Spec]) -> tuple[int, int]:
    """The smallest decoded size from which every spec can still be made at full quality."""
    width, height = size
    need_w = need_h = 1
    for spec in specs:
        if spec.is_crop:
            crop_w, crop_h = _crop_box_size(size, spec)
            scale = min(1.0, spec.width / crop_w)
            need_w, need_h = max(need_w, math.ceil(width * scale)), max(need_h, math.ceil(height * scale))
        else:
            target = min(spec.width, width)
            need_w, need_h = max(need_w, target), max(need_h, math.ceil(height * target / width))
    return need_w, need_h


def _crop_box_size(size: tuple[int, int], spec: Spec) -> tuple[int, int]:
    width, height = size
    aspect = spec.width / spec.height
    if width / height > aspect:
        return max(1, round(height * aspect)), height
    return width, max(1, round(width / aspect))


def _crop_box(size: tuple[int, int], spec: Spec, focal_x: float, focal_y: float) -> tuple[int, int, int, int]:
    """The largest ``spec``-shaped box inside ``size``, centred on the focal point as far as the edges allow."""
    width, height = size
    crop_w, crop_h = _crop_box_size(size, spec)
    left = min(max(round(focal_x * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(focal_y * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def output_size(original: tuple[int, int], spec: Spec) -> tuple[int, int]:
    """The rendition's pixel size for an original of ``original`` size."""
    width, height = original
    if spec.is_crop:
        crop_w, _crop_h = _crop_box_size(original, spec)
        out_w = min(spec.width, crop_w)
        return out_w, max(1, round(out_w * spec.height / spec.width))
    out_w = min(spec.width, width)
    return out_w, max(1, round(height * out_w / width))


def render(source: Source, spec: Spec) -> Rendered:
    """The encoded bytes of one rendition."""
    decoded = source.frames[0].size
    out_size = output_size(source.size, spec)
    if spec.is_crop:
        # The box is computed on the decoded pixels (a draft-decoded JPEG is smaller than the original).
        box = _crop_box(decoded, spec, source.focal_x, source.focal_y)
    else:
        box = (0, 0, *decoded)
    out = io.BytesIO()
    if spec.format == "WEBP":
        frames = [_resize(frame, out_size, box) for frame in source.frames]
        options = {"quality": WEBP_QUALITY, "method": 4}
        if len(frames) > 1:
            options.update(save_all=True, append_images=frames[1:], duration=source.durations, loop=source.loop)
        frames[0].save(out, "WEBP", **options)
    elif spec.format == "JPEG":
        frame = flatten(_resize(source.frames[0], out_size, box))
        frame.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    else:  # pragma: no cover - specs_for only makes these two
        raise ValueError(spec.format)
    return Rendered(data=out.getvalue(), width=out_size[0], height=out_size[1], format=spec.format)


def _resize(frame: PILImage.Image, size: tuple[int, int], box: tuple[int, int, int, int]) -> PILImage.Image:
    if frame.mode not in ("RGB", "RGBA", "L"):
        frame = frame.convert("RGBA" if frame.has_transparency_data else "RGB")
    if size == frame.size and box == (0, 0, *frame.size):
        return frame
    return frame.resize(size, RESAMPLE, box=box, reducing_gap=REDUCING_GAP)
