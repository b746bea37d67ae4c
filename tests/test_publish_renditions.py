"""Publishing makes any missing rendition of the featured image, so readers never trigger resizing."""

import pytest

from articles import services
from articles.models import Rendition
from tests.factories import ArticleFactory, make_image

pytestmark = pytest.mark.django_db


def test_publishing_fills_in_missing_renditions():
    image = make_image(size=(1600, 900))
    made = set(image.renditions.values_list("spec", flat=True))
    assert made  # made at upload
    Rendition.objects.filter(image=image).delete()
    article = ArticleFactory(source=None, featured_image=image)
    services.article_publish(article=article)
    assert set(image.renditions.values_list("spec", flat=True)) == made
