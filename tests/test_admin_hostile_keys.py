"""A hand-made value in an autocomplete field (a picture, a source) is the form's error, never a 500."""

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["\x00", "9" * 400, "-1", "abc"])
def test_a_posted_key_that_is_no_key_is_a_form_error(editor_client, value):
    article = ArticleFactory(title="原標題")
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = editor_client.post(url, {"title": "", "featured_image": value, "language": "zh-hant"})
    assert response.status_code == 200  # shown back with its errors
    assert response.context["adminform"].form.errors
