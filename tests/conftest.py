import pytest
from django.test import Client

from tests.factories import UserFactory


@pytest.fixture
def writer(db):
    return UserFactory(username="writer", groups=["writers"])


@pytest.fixture
def editor(db):
    return UserFactory(username="editor", groups=["editors"])


@pytest.fixture
def writer_client(writer):
    client = Client()
    client.force_login(writer)
    return client


@pytest.fixture
def editor_client(editor):
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture(autouse=True)
def default_language():
    """Start every test in the default script: a request to /zh-hans/ leaves that language active
    in the test's thread, which would leak into reverse() in the next test."""
    from django.utils import translation

    translation.activate("zh-hant")
    yield
    translation.activate("zh-hant")


@pytest.fixture(autouse=True)
def empty_cache():
    """Rate limits and cached pages from one test must not leak into the next, nor this process's page-cache state
    (a read back-off after a test that stalled the cache, the dependency hints, the local copies)."""
    from django.core.cache import cache

    from articles.caching import pagecache

    cache.clear()
    pagecache._reads_resume_at = 0.0
    pagecache._deps_hint.clear()
    pagecache._copies.clear()
    yield


@pytest.fixture
def data_migrations(transactional_db):
    """Transactional tests flush every table, the rows our data migrations made (groups and their
    permissions) included; replay those migrations' forward code for tests that need them."""
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations.special import RunPython

    loader = MigrationLoader(connection)
    for key in sorted(k for k in loader.disk_migrations if k[0] == "articles"):
        for operation in loader.disk_migrations[key].operations:
            if isinstance(operation, RunPython):
                with connection.schema_editor() as schema_editor:
                    operation.code(apps, schema_editor)
    yield
    # The replayed code filled the content-type cache with this test's rows; the flush after the test removes
    # them, and a later test's admin log entry would name a content type that no longer exists.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
