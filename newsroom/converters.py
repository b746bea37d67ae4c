"""Path converters that validate every slug and id taken from a URL before any view (or query) sees it.

A value that could never name a row — a NUL byte (which PostgreSQL refuses with a ``DataError``), another control
character, a slug longer than any stored one, an id past the database's integer range — does not match the route,
so the answer is a 404 by construction, for every route that uses these converters.

Importing this module registers them: ``<id:pk>`` and ``<uslug:slug>``. Every URL module that uses them imports it.
"""

from __future__ import annotations

import unicodedata

from django.urls import register_converter

# The longest slug any model stores (Source.slug and Article.slug are max_length=200; tags 100).
SLUG_MAX_LENGTH = 200
# Primary keys are BigAutoField: a signed 64-bit integer on SQLite and PostgreSQL alike.
ID_MAX = 2**63 - 1


class IdConverter:
    """A positive database id: digits only, at most ``ID_MAX``."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 0 < number <= ID_MAX:
            raise ValueError(f"id out of range: {value}")  # a ValueError makes the route not match: 404
        return number

    def to_url(self, value: int | str) -> str:
        return str(int(value))


class UnicodeSlugConverter:
    """A unicode slug (比特幣, gpt-4): any characters but ``/`` and control characters, 1 to ``SLUG_MAX_LENGTH`` long.

    The regex already leaves out C0/C1 controls (NUL included) and DEL; ``to_python`` also refuses the other
    characters no slug of ours can hold (format characters such as U+202E, surrogates, private use, unassigned),
    which ``slugify`` never produces.
    """

    regex = f"[^/\x00-\x1f\x7f-\x9f]{{1,{SLUG_MAX_LENGTH}}}"

    def to_python(self, value: str) -> str:
        if any(unicodedata.category(char).startswith("C") for char in value):
            raise ValueError("a slug holds no control or format characters")
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(IdConverter, "id")
register_converter(UnicodeSlugConverter, "uslug")
