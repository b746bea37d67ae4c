import pytest
from django.test import Client

from articles import services
from tests.factories import ArticleFactory, SourceFactory, UserFactory, make_image


def pytest_collection_modifyitems(items):
    """Every test in this folder carries the ``fuzz`` marker: ``pytest -m fuzz`` runs the suite alone."""
    for item in items:
        if "/tests/fuzz/" in str(item.path):
            item.add_marker(pytest.mark.fuzz)


@pytest.fixture
def world(db):
    """What the pages show: a published article with a picture, tags and a source, a draft, and a source
    without articles — so every path and filter has something to find."""
    source = SourceFactory(name="測試來源", slug="test-source", reprint_permission="own")
    image = make_image(credit="攝影／測試", caption="圖說")
    article = ArticleFactory(title="公開文章", source=source, tags=["測試", "比特幣"], featured_image=image)
    services.article_publish(article=article)
    draft = ArticleFactory(title="草稿", source=source, tags=["測試"])
    SourceFactory(name="空來源", slug="empty-source")
    return {"article": article, "draft": draft, "source": source, "image": image}


@pytest.fixture
def reader(db):
    """A reader's browser: exceptions come back as exceptions, not 500 pages, so the test shows them."""
    return Client()


@pytest.fixture
def feed_source(world):
    """The source feed imports are bound to (``--source``)."""
    return SourceFactory(name="訂閱來源", slug="subscribed", homepage="https://feeds.example/",
                         reprint_permission="granted")


@pytest.fixture
def login_user(world, settings):
    """An editor who can log in; a fast hasher, since every attempt (even for unknown names) hashes once."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return UserFactory(username="editor", groups=["editors"])
