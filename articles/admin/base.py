"""The base of every model admin here: a change list whose filters cannot be turned into a server error.

Django's change list already answers a lookup it cannot use (``?status__nope=1``, ``?publish_at__year=x``) with a
redirect to ``?e=1``, by raising ``IncorrectLookupParameters``. A value that parses but runs past what ``datetime``
or the database can hold escaped that net as a 500: ``?publish_at__year=9999`` (the date hierarchy computes the
year after it), a day past 9999-12-31, year 1 (converted to UTC, it falls before year 1), a NUL in a text lookup on
PostgreSQL. ``SafeChangeList`` turns those into the same ``IncorrectLookupParameters``, for every filter, date
hierarchy and search of every admin that derives from ``ModelAdmin`` below, or mixes in ``SafeChangeListMixin``
(``articles.admin.contrib`` does so for the admins Django and taggit register; tests check every registered admin).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.db import DataError

# What a well-formed but impossible lookup value raises: datetime arithmetic past year 9999 or before year 1
# (ValueError, OverflowError), or a value the database driver refuses (DataError: NUL on PostgreSQL, an integer
# past its range).
# RuntimeWarning: a date lookup at year 1 that Django can no longer make aware (a warning in production, where the
# query still runs; an error where warnings are errors, as in the test run).
LOOKUP_ERRORS = (ValueError, OverflowError, DataError, RuntimeWarning)


class SafeChangeList(ChangeList):
    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except LOOKUP_ERRORS as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except LOOKUP_ERRORS as exc:
            raise IncorrectLookupParameters(exc) from exc

    def get_results(self, request):
        # The filters are applied lazily: the first query (the paginator's count) is where a value is converted.
        try:
            return super().get_results(request)
        except LOOKUP_ERRORS as exc:
            raise IncorrectLookupParameters(exc) from exc


# Django ORs every search field for each word and ANDs the words: 1,200 words of ?q= built an expression tree SQLite
# refused (a 500) and PostgreSQL spent seconds on. Nobody searches an admin list with more.
SEARCH_MAX_WORDS = 10
SEARCH_MAX_CHARS = 200


class SafeChangeListMixin:
    """For a ``ModelAdmin`` subclass: its change list is a ``SafeChangeList``, and its search takes at most
    ``SEARCH_MAX_WORDS`` words of at most ``SEARCH_MAX_CHARS`` characters in all (the rest is ignored)."""

    def get_changelist(self, request, **kwargs):
        return SafeChangeList

    def get_search_results(self, request, queryset, search_term):
        search_term = " ".join(search_term[:SEARCH_MAX_CHARS].split()[:SEARCH_MAX_WORDS])
        return super().get_search_results(request, queryset, search_term)


class ModelAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """``admin.ModelAdmin`` with ``SafeChangeList``; every model admin of this project derives from it."""
