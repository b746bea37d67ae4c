"""Abstract demo pictures drawn with Pillow (shapes only, no text): the same spec always gives the same bytes.

A picture's spec (``content/images.json``) names a ``pattern`` below, a ``seed``, two background ``colors`` and
three ``accents``. Because the bytes repeat, ``services.image_create`` finds the identical file by its content
hash when the demo is loaded a second time.
"""

from __future__ import annotations

import io
import itertools
import math
import random
from collections.abc import Callable

from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw

WIDTH, HEIGHT = 1200, 675
SCALE = 2  # shapes are drawn at twice the size and scaled down, which smooths their edges
W, H = WIDTH * SCALE, HEIGHT * SCALE

Point = tuple[float, float]
RGBA = tuple[int, int, int, int]


def _rgba(color: str, alpha: int) -> RGBA:
    r, g, b = ImageColor.getrgb(color)[:3]
    return r, g, b, alpha


def _gradient(start: str, end: str, mix: float) -> PILImage.Image:
    """A two-colour gradient; ``mix`` turns it from top-to-bottom (0) to left-to-right (1)."""
    vertical = PILImage.linear_gradient("L")
    horizontal = vertical.rotate(90)
    mask = PILImage.blend(vertical, horizontal, mix).resize((WIDTH, HEIGHT), PILImage.Resampling.BICUBIC)
    size = (WIDTH, HEIGHT)
    return PILImage.composite(PILImage.new("RGB", size, end), PILImage.new("RGB", size, start), mask)


def _dot(draw: ImageDraw.ImageDraw, center: Point, radius: float, **kwargs) -> None:
    x, y = center
    draw.ellipse((x - radius, y - radius, x + radius, y + radius), **kwargs)


def _network(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    points = [(rng.uniform(100, W - 100), rng.uniform(100, H - 100)) for _ in range(36)]
    for point in points:
        nearest = sorted(points, key=lambda other: math.dist(point, other))[1:4]
        for other in nearest:
            draw.line((point, other), fill=_rgba(accents[0], 120), width=4)
    for point in points:
        radius = rng.uniform(10, 30)
        _dot(draw, point, radius * 2.2, fill=_rgba(accents[2], 40))
        _dot(draw, point, radius, fill=_rgba(accents[1], 230))


def _blocks(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    count, size = 7, 230
    gap = (W - count * size) / (count + 1)
    centers = []
    for i in range(count):
        x = gap + i * (size + gap) + size / 2
        y = H / 2 + math.sin(i * 0.9 + rng.uniform(0, 1)) * 160
        centers.append((x, y))
    for a, b in itertools.pairwise(centers):
        draw.line((a, b), fill=_rgba(accents[1], 200), width=10)
    for x, y in centers:
        box = (x - size / 2, y - size / 2, x + size / 2, y + size / 2)
        draw.rounded_rectangle(box, radius=36, fill=_rgba(accents[0], 200), outline=_rgba(accents[1], 255), width=8)
        for row in range(4):  # a few "transaction" bars inside each block
            length = rng.uniform(0.35, 0.8) * (size - 80)
            top = y - size / 2 + 48 + row * 38
            draw.rounded_rectangle((x - size / 2 + 40, top, x - size / 2 + 40 + length, top + 16), radius=8,
                                   fill=_rgba(accents[2], 210))


def _chart(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for i in range(1, 6):  # faint horizontal rules
        y = H * i / 6
        draw.line(((0, y), (W, y)), fill=_rgba(accents[2], 40), width=3)
    count = 16
    step = W / (count + 1)
    tops = []
    level = H * 0.75
    for i in range(count):
        level = max(H * 0.15, min(H * 0.85, level - rng.uniform(-60, 110)))
        x = step * (i + 1)
        draw.rounded_rectangle((x - step * 0.3, level, x + step * 0.3, H + 20), radius=14,
                               fill=_rgba(accents[0], 150))
        tops.append((x, level - 60))
    draw.line(tops, fill=_rgba(accents[1], 235), width=12, joint="curve")
    for point in tops:
        _dot(draw, point, 16, fill=_rgba(accents[2], 255))


def _bubbles(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for _ in range(70):
        center = (rng.uniform(-100, W + 100), rng.uniform(-100, H + 100))
        radius = rng.uniform(20, 260)
        color = rng.choice(accents)
        if rng.random() < 0.3:
            _dot(draw, center, radius, outline=_rgba(color, 160), width=6)
        else:
            _dot(draw, center, radius, fill=_rgba(color, rng.randint(30, 110)))


def _waves(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    for i in range(9):
        amplitude = rng.uniform(60, 220)
        wavelength = rng.uniform(500, 1400)
        phase = rng.uniform(0, math.tau)
        base = H * (i + 1) / 10
        points = [(x, base + amplitude * math.sin(x / wavelength * math.tau + phase)) for x in range(-20, W + 40, 16)]
        draw.line(points, fill=_rgba(accents[i % len(accents)], 190), width=rng.randint(5, 14), joint="curve")


def _grid(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    spacing = 80
    cols, rows = W // spacing, H // spacing
    lit = {(rng.randrange(cols), rng.randrange(rows)) for _ in range(60)}
    for col in range(cols):
        for row in range(rows):
            x, y = (col + 0.5) * spacing, (row + 0.5) * spacing
            if (col, row) in lit:
                color = accents[(col + row) % 2]
                draw.rounded_rectangle((x - 30, y - 30, x + 30, y + 30), radius=10, fill=_rgba(color, 200))
            else:
                _dot(draw, (x, y), 7, fill=_rgba(accents[2], 90))
    for _ in range(5):  # tall translucent "racks"
        x = rng.uniform(0, W - 200)
        draw.rectangle((x, 0, x + rng.uniform(80, 200), H), fill=_rgba(accents[0], 28))


def _rings(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    center = (rng.uniform(W * 0.2, W * 0.45), rng.uniform(H * 0.3, H * 0.7))
    for i, radius in enumerate(range(70, 2600, 85)):
        alpha = max(30, 220 - i * 7)
        _dot(draw, center, radius, outline=_rgba(accents[i % 2], alpha), width=6 if i % 3 else 14)
    for _ in range(10):  # bright arcs on some rings
        radius = rng.randrange(70, 1500, 85)
        start = rng.uniform(0, 360)
        x, y = center
        draw.arc((x - radius, y - radius, x + radius, y + radius), start, start + rng.uniform(20, 80),
                 fill=_rgba(accents[2], 240), width=18)


def _shards(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cols, rows = 12, 7
    cell_w, cell_h = W / cols, H / rows
    grid = [[(c * cell_w + (rng.uniform(-0.35, 0.35) * cell_w if 0 < c < cols else 0),
              r * cell_h + (rng.uniform(-0.35, 0.35) * cell_h if 0 < r < rows else 0))
             for c in range(cols + 1)] for r in range(rows + 1)]
    light, dark = ImageColor.getrgb(accents[0]), ImageColor.getrgb(accents[1])
    for r in range(rows):
        for c in range(cols):
            a, b, d, e = grid[r][c], grid[r][c + 1], grid[r + 1][c], grid[r + 1][c + 1]
            for triangle in ((a, b, e), (a, e, d)) if rng.random() < 0.5 else ((a, b, d), (b, e, d)):
                cx = sum(p[0] for p in triangle) / 3
                t = min(1.0, max(0.0, cx / W * 0.8 + rng.uniform(-0.2, 0.3)))
                color = tuple(round(lo + (hi - lo) * t) for lo, hi in zip(dark, light, strict=True))
                draw.polygon(triangle, fill=(*color, rng.randint(90, 200)), outline=_rgba(accents[2], 50))


def _chip(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cx, cy, half = W / 2, H / 2, 300
    pins = 9
    for side in range(4):
        for i in range(pins):
            offset = -half + (i + 0.5) * (2 * half / pins)
            length = rng.uniform(120, 520)
            turn = rng.uniform(-260, 260)
            if side == 0:
                path = [(cx + offset, cy - half), (cx + offset, cy - half - length),
                        (cx + offset + turn, cy - half - length - 80)]
            elif side == 1:
                path = [(cx + offset, cy + half), (cx + offset, cy + half + length),
                        (cx + offset + turn, cy + half + length + 80)]
            elif side == 2:
                path = [(cx - half, cy + offset), (cx - half - length, cy + offset),
                        (cx - half - length - 140, cy + offset + turn)]
            else:
                path = [(cx + half, cy + offset), (cx + half + length, cy + offset),
                        (cx + half + length + 140, cy + offset + turn)]
            draw.line(path, fill=_rgba(accents[0], 200), width=8, joint="curve")
            _dot(draw, path[-1], 16, fill=_rgba(accents[1], 230))
    draw.rounded_rectangle((cx - half, cy - half, cx + half, cy + half), radius=40, fill=_rgba(accents[2], 245),
                           outline=_rgba(accents[0], 255), width=12)
    inner = half * 0.55
    draw.rounded_rectangle((cx - inner, cy - inner, cx + inner, cy + inner), radius=24,
                           outline=_rgba(accents[1], 220), width=8)
    for i in range(5):  # the die's cell pattern
        for j in range(5):
            x, y = cx - inner + (i + 0.5) * inner * 0.4, cy - inner + (j + 0.5) * inner * 0.4
            draw.rectangle((x - 18, y - 18, x + 18, y + 18), fill=_rgba(accents[1], rng.randint(60, 200)))


def _orbit(draw: ImageDraw.ImageDraw, rng: random.Random, accents: tuple[str, ...]) -> None:
    cx, cy = W * rng.uniform(0.45, 0.55), H * rng.uniform(0.45, 0.55)
    for radius in range(220, 0, -20):  # the glow
        _dot(draw, (cx, cy), radius, fill=_rgba(accents[2], int(30 + (220 - radius) * 0.6)))
    for i in range(6):
        rx, ry = rng.uniform(500, 1100), rng.uniform(120, 380)
        angle = rng.uniform(0, math.pi)
        cos, sin = math.cos(angle), math.sin(angle)

        def at(t: float, rx=rx, ry=ry, cos=cos, sin=sin) -> Point:
            x, y = rx * math.cos(t), ry * math.sin(t)
            return cx + x * cos - y * sin, cy + x * sin + y * cos

        ring = [at(k / 90 * math.tau) for k in range(91)]
        draw.line(ring, fill=_rgba(accents[i % 2], 150), width=5, joint="curve")
        for _ in range(3):
            _dot(draw, at(rng.uniform(0, math.tau)), rng.uniform(12, 26), fill=_rgba(accents[2], 240))


PATTERNS: dict[str, Callable[[ImageDraw.ImageDraw, random.Random, tuple[str, ...]], None]] = {
    "network": _network, "blocks": _blocks, "chart": _chart, "bubbles": _bubbles, "waves": _waves,
    "grid": _grid, "rings": _rings, "shards": _shards, "chip": _chip, "orbit": _orbit,
}


def draw_image(spec: dict) -> bytes:
    """The JPEG bytes of one demo picture; the same spec always gives the same bytes."""
    rng = random.Random(spec["seed"])  # noqa: S311 - a repeatable picture, not a secret
    start, end = spec["colors"]
    picture = _gradient(start, end, rng.random()).convert("RGBA")
    overlay = PILImage.new("RGBA", (W, H), (0, 0, 0, 0))
    PATTERNS[spec["pattern"]](ImageDraw.Draw(overlay), rng, spec["accents"])
    overlay = overlay.resize((WIDTH, HEIGHT), PILImage.Resampling.LANCZOS)
    picture = PILImage.alpha_composite(picture, overlay).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=88, optimize=True)
    return buffer.getvalue()
