"""Django's SQLite backend, except that the database file (and SQLite's ``-wal``/``-shm`` beside it) is private:
mode 0600, never readable by other local users. It holds password hashes and sessions.

Why here and not elsewhere: SQLite creates a missing file with 0644 (less the umask). Creating it ourselves with
0600 just before SQLite opens it leaves no moment where it exists readable by others — a ``connection_created``
signal runs only after SQLite has created the file, and an open descriptor outlives a later chmod. A process-wide
``os.umask`` in settings would be too broad: it would also change the cache folder, collected static files and
anything else the site writes. SQLite gives its ``-wal`` and ``-shm`` files the database file's own mode, so those
follow; a database made before this backend existed is tightened (all three files) the next time it is opened.
"""

from __future__ import annotations

import os
import stat

from django.db.backends.sqlite3 import base

PRIVATE = 0o600


def make_private(name: str) -> None:
    """Create the database file ``name`` with mode 0600 if it is missing, and take any group/other bits off it and
    its ``-wal``/``-shm`` files if it exists. In-memory databases and URI names are left alone."""
    if not name or name == ":memory:" or str(name).startswith("file:"):
        return
    try:
        descriptor = os.open(name, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE)
    except FileExistsError:
        pass
    else:
        os.close(descriptor)
    for path in (name, f"{name}-wal", f"{name}-shm"):
        try:
            mode = stat.S_IMODE(os.stat(path).st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077:
            os.chmod(path, mode & 0o700)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        make_private(str(conn_params["database"]))
        return super().get_new_connection(conn_params)
