"""Django's SQLite backend, with the database file private to the site's user (see ``base``)."""
