"""Factories for the domain models: build exactly the state a test needs."""

import datetime
import io

import factory
from django.contrib.auth.models import Group, User
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image as PILImage

from articles import search, services
from articles.models import Article, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            for name in extracted:
                self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"來源{n}")
    homepage = factory.Sequence(lambda n: f"https://source{n}.example/")
    reprint_permission = Source.Permission.GRANTED
    copyright_notice = "版權歸作者所有，未經許可，不得轉載。"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"測試文章第{n}篇")
    summary = "一段摘要。"
    body = "<p>這是內文。</p>"
    language = "zh-hant"
    author = "編譯／測試"
    source = factory.SubFactory(SourceFactory)
    status = Article.Status.DRAFT

    class Params:
        published = factory.Trait(
            status=Article.Status.PUBLISHED,
            publish_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
            published_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1)),
        )

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(list(extracted))

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # Every article is in the search index (the services write it, the migration indexed the older ones); the
        # factory saves directly, so it keeps that true itself.
        if create:
            search.index_articles([self.pk])


def make_image(*, colour=(200, 80, 40), size=(640, 360), fmt="JPEG", **fields):
    """A real picture drawn with Pillow, stored through the service like an upload."""
    buffer = io.BytesIO()
    PILImage.new("RGB", size, colour).save(buffer, fmt)
    fields.setdefault("alt_text", "測試圖片")
    extension = {"JPEG": "jpg"}.get(fmt.upper(), fmt.lower())  # the validator checks the name against the content
    return services.image_create(file=ContentFile(buffer.getvalue(), name=f"x.{extension}"), **fields)
