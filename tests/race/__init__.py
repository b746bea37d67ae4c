"""The multi-worker freshness race harness (tests/test_freshness_race.py).

``site`` starts a fresh database, an editor process and gunicorn with several workers; ``editor`` is the process
that writes through ``articles.services``; ``evictor`` deletes cache keys behind the site's back; ``world`` knows
what every page must show after each edit; ``readers`` are the concurrent polling clients that judge the answers.
"""
