"""Loaded by pytest before Django starts (``-p tests.testenv``): the test run's environment.

Production settings refuse to start without SECRET_KEY and ALLOWED_HOSTS; the test run
supplies throwaway values unless the caller set real ones (CI sets DATABASE_URL/REDIS_URL).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("PLAIN_STATIC", "1")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="newsroom-test-media-"))
# The shared file cache of the default configuration (no REDIS_URL), one folder per test process.
os.environ.setdefault("CACHE_DIR", tempfile.mkdtemp(prefix="newsroom-test-cache-"))
# Background tasks run right after the commit that enqueued them; tests of the queue itself pick the database.
os.environ.setdefault("TASKS_BACKEND", "immediate")
