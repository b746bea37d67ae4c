"""`make bench`: builds benchmark data, serves it with gunicorn and measures it with wrk."""
