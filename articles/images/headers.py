"""What decoding a picture will cost, read from its headers before a pixel is decoded.

A decoder's memory and time grow with every frame's canvas, not with the first frame's size nor the file's:
Pillow decodes each frame of an animation onto the full canvas, and a GIF's canvas grows to take in any frame
that reaches past the logical screen. ``Frames`` is the frame count and the largest canvas, the figures the
upload gate (``validation``) limits.

For a GIF the blocks are walked here, the way Pillow's reader walks them (an unknown byte between blocks is
skipped, not an end), and the walk stops one frame past the limit: Pillow's own ``n_frames`` seeks through every
frame in Python, 14 s of CPU for 100,000 frames of one pixel. The other formats keep their frame table in a
header Pillow reads when it opens the file, so ``n_frames`` costs nothing there (APNG: ``acTL``; WebP and AVIF:
the container, parsed by libwebp's demuxer and libavif without decoding).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A 20 MB GIF written in full 255-byte sub-blocks has about 82,000 of them; one written a byte at a time costs
# Pillow seconds of Python per frame skipped. More blocks than this and the file is refused unread.
MAX_GIF_BLOCKS = 250_000
# Pillow joins a frame's comment sub-blocks by repeated concatenation (quadratic): a 20 MB comment would cost it
# 80 s of CPU at open. A real comment is a line or two; more sub-blocks than this in one frame and the file is refused.
MAX_GIF_COMMENT_BLOCKS = 256
_GIF_BLOCK_START = re.compile(rb"[\x21\x2c\x3b]")


@dataclass(frozen=True)
class Frames:
    """The largest canvas a decoder will allocate for a frame, and how many frames (at most the limit + 1)."""

    width: int
    height: int
    count: int
    too_many_blocks: bool = False  # the walk gave up (see ``MAX_GIF_BLOCKS``, ``MAX_GIF_COMMENT_BLOCKS``)

    @property
    def pixels(self) -> int:
        return self.width * self.height * self.count


def gif_frames(data: bytes, *, max_frames: int) -> Frames:
    """The canvas and frame count of a GIF from its block structure; stops counting past ``max_frames``.

    A truncated or malformed file is counted as far as it goes: decoding it later refuses it.
    """
    if len(data) < 13:
        return Frames(0, 0, 0)
    width, height = int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    position = 13
    if data[10] & 0x80:  # global colour table
        position += 3 << ((data[10] & 7) + 1)
    count = blocks = comment_blocks = 0
    end = len(data)
    while position < end and count <= max_frames:
        if blocks > MAX_GIF_BLOCKS:
            return Frames(width, height, count, too_many_blocks=True)
        marker = data[position]
        position += 1
        blocks += 1
        if marker == 0x3B:  # trailer
            break
        if marker == 0x21:  # extension: a label, then sub-blocks
            label = data[position] if position < end else None
            position, walked = _skip_sub_blocks(data, position + 1)
            blocks += walked
            if label == 0xFE:
                comment_blocks += walked
                if comment_blocks > MAX_GIF_COMMENT_BLOCKS:
                    return Frames(width, height, count, too_many_blocks=True)
        elif marker == 0x2C:  # image descriptor: left, top, width, height, flags
            if position + 9 > end:
                break
            left, top = int.from_bytes(data[position:position + 2], "little"), \
                int.from_bytes(data[position + 2:position + 4], "little")
            frame_w, frame_h = int.from_bytes(data[position + 4:position + 6], "little"), \
                int.from_bytes(data[position + 6:position + 8], "little")
            flags = data[position + 8]
            position += 9
            # Pillow grows the canvas to take in a frame that reaches past it, and decodes every frame onto it.
            width, height = max(width, left + frame_w), max(height, top + frame_h)
            count += 1
            comment_blocks = 0
            if flags & 0x80:  # local colour table
                position += 3 << ((flags & 7) + 1)
            position, walked = _skip_sub_blocks(data, position + 1)  # LZW minimum code size, then the data
            blocks += walked
        else:
            # Pillow skips any other byte, one at a time, and reads on: so do we (at C speed).
            found = _GIF_BLOCK_START.search(data, position)
            position = found.start() if found else end
    return Frames(width, height, count)


def _skip_sub_blocks(data: bytes, position: int) -> tuple[int, int]:
    """The position after a run of sub-blocks (each a length byte and its data, up to an empty one), and how many."""
    end, walked = len(data), 0
    while position < end:
        size = data[position]
        position += 1 + size
        walked += 1
        if size == 0 or walked > MAX_GIF_BLOCKS:
            break
    return position, walked
