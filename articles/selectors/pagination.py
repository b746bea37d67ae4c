"""Pagination for public lists without COUNT(*): fetch one row more than a page to know if there is a next.

Page numbers are capped (``ARTICLES_MAX_PAGES``) so no request makes the database skip deep into
history with a huge OFFSET; older articles stay reachable through tag, source and search pages.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool
    per_page: int
    # How many articles the whole list holds, for pages that show it (None: not counted). ``total_more``: counting
    # stopped at ``total``, so the list holds at least that many (a count never walks a whole large archive).
    total: int | None = None
    total_more: bool = False

    @property
    def start_index(self) -> int:
        """The 1-based position of this page's first item in the whole list."""
        return (self.number - 1) * self.per_page + 1

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous()

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


def paginate(queryset: QuerySet, page: str | None, *, per_page: int | None = None) -> Page:
    """The requested page of ``queryset``; a bad or out-of-range number gives a sensible page, never an error."""
    per_page = per_page or settings.ARTICLES_PER_PAGE
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), settings.ARTICLES_MAX_PAGES)
    start = (number - 1) * per_page
    rows = list(queryset[start:start + per_page + 1])
    has_next = len(rows) > per_page and number < settings.ARTICLES_MAX_PAGES
    return Page(object_list=rows[:per_page], number=number, has_next=has_next, per_page=per_page)
