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
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
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
        return super().get_search_results(request, queryset, limit_search_term(search_term))


def limit_search_term(search_term: str) -> str:
    """At most ``SEARCH_MAX_WORDS`` words of at most ``SEARCH_MAX_CHARS`` characters in all."""
    return " ".join(search_term[:SEARCH_MAX_CHARS].split()[:SEARCH_MAX_WORDS])


class SafeAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete widget looks the posted value up again when a form with errors is shown back; a value
    that is no key at all (a NUL, a number past the column's range, sent by hand) made that lookup a 500 instead of
    the form's own error. Such values are left out of the lookup (the field reports them as an invalid choice)."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field

        def is_key(candidate) -> bool:
            try:
                key = target.to_python(candidate)
            except (ValidationError, TypeError, ValueError):
                return False
            if isinstance(key, int):
                return -(2**63) <= key < 2**63
            return "\x00" not in str(key)

        return super().optgroups(name, [v for v in value if is_key(v)], attr)


class ModelAdmin(SafeChangeListMixin, admin.ModelAdmin):
    """``admin.ModelAdmin`` with ``SafeChangeList`` and ``SafeAutocompleteSelect``; every model admin of this project
    derives from it."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def error_text(exc: Exception) -> str:
    """What a refused service call tells the editor: a ValidationError's messages, or the exception's text."""
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)
