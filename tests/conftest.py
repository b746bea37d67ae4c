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
