"""Figures other issues add to `make bench`: filled in per feature."""


def run(django_run, sqlite_url, pg_url) -> dict:
    return {}
