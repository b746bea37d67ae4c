"""The admin's search answers any ?q= quickly: the words beyond the first few are ignored, never a 500."""

import time

import pytest

from articles.admin import base
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_a_search_of_many_words_answers_quickly_and_still_finds(editor_client):
    ArticleFactory(title="區塊鏈 新聞")
    started = time.monotonic()
    response = editor_client.get("/admin/articles/article/", {"q": "區塊鏈 " + "a " * 1200})
    assert response.status_code == 200 and time.monotonic() - started < 2
    # The first words still search (only the tail is dropped).
    assert "區塊鏈 新聞" in editor_client.get("/admin/articles/article/", {"q": "區塊鏈"}).content.decode()


def test_every_registered_admin_limits_its_search():
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        assert isinstance(model_admin, base.SafeChangeListMixin), type(model_admin)
