"""Demo content for a fresh Newsroom site: sources, drawn images and bilingual articles.

Everything here was written for this project. The articles are plausible but invented tech,
crypto and AI stories about invented companies and outlets; every homepage and original
URL uses the reserved ``.example`` domain. About half are written in Simplified Chinese and
half in Traditional Chinese (Taiwan vocabulary), so both directions of the script
conversion get exercised, including code blocks that must come out unchanged.

The content is data: ``content/`` (see its README.md) holds the sources, the image specs and one
``.json`` + ``.html`` pair per article. :mod:`.data` reads and checks those files, :mod:`.drawing`
paints the pictures with Pillow, and :mod:`.loader` writes everything through ``articles.services``.
"""

from .data import DemoContentError, read_content
from .drawing import draw_image
from .loader import (
    ARTICLES,
    DEMO_ACCOUNTS,
    DEMO_ADMIN,
    DEMO_PASSWORD,
    IMAGES,
    SOURCES,
    DemoResult,
    ensure_demo_accounts,
    load_demo,
)

__all__ = [
    "ARTICLES",
    "DEMO_ACCOUNTS",
    "DEMO_ADMIN",
    "DEMO_PASSWORD",
    "IMAGES",
    "SOURCES",
    "DemoContentError",
    "DemoResult",
    "draw_image",
    "ensure_demo_accounts",
    "load_demo",
    "read_content",
]
