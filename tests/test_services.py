"""Workflow services: the reprint gate, who may publish, scheduled publishing."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from articles import services
from articles.models import Article, Source
from tests.factories import ArticleFactory, SourceFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("permission", "expires_in_days", "allowed"),
    [
        ("own", None, True),
        ("public", None, True),
        ("granted", None, True),
        ("granted", 30, True),
        ("granted", -1, False),
        ("none", None, False),
    ],
)
def test_reprint_gate(permission, expires_in_days, allowed):
    expires = timezone.localdate() + datetime.timedelta(days=expires_in_days) if expires_in_days is not None else None
    source = SourceFactory(name="8BTC", reprint_permission=permission, permission_expires=expires)
    article = ArticleFactory(source=source)
    if allowed:
        services.article_publish(article=article)
        assert Article.objects.published().filter(pk=article.pk).exists()
    else:
        with pytest.raises(ValidationError) as excinfo:
            services.article_publish(article=article)
        assert "8BTC" in " ".join(excinfo.value.messages)
        article.refresh_from_db()
        assert article.status == Article.Status.DRAFT


def test_reprint_gate_also_covers_the_original_source_and_scheduling():
    upstream = SourceFactory(name="少數派", reprint_permission=Source.Permission.NONE)
    article = ArticleFactory(original_source=upstream)
    with pytest.raises(ValidationError, match="少數派"):
        services.article_schedule(article=article, publish_at=timezone.now() + datetime.timedelta(days=1))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


def test_own_articles_without_a_source_publish():
    article = ArticleFactory(source=None)
    services.article_publish(article=article)
    article.refresh_from_db()
    assert article.status == "published"
    assert article.published_at is not None
    assert article.publish_at <= timezone.now()


def test_publishing_needs_a_title_and_body():
    article = ArticleFactory.build(title="", body="", source=None)
    with pytest.raises(ValidationError) as excinfo:
        services.article_publish(article=article)
    assert "缺少標題。" in excinfo.value.messages


def test_writers_cannot_publish_editors_can(writer, editor):
    article = ArticleFactory()
    with pytest.raises(PermissionDenied):
        services.article_publish(article=article, user=writer)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    services.article_publish(article=article, user=editor)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.updated_by == editor


def test_publish_scheduled_flips_due_articles_only():
    now = timezone.now()
    due = ArticleFactory(status="scheduled", publish_at=now - datetime.timedelta(minutes=1))
    later = ArticleFactory(status="scheduled", publish_at=now + datetime.timedelta(hours=1))
    assert services.articles_publish_scheduled() == [due.pk]
    due.refresh_from_db()
    later.refresh_from_db()
    assert due.status == "published" and due.published_at is not None
    assert later.status == "scheduled"
    assert services.articles_publish_scheduled() == []


@pytest.mark.django_db(transaction=True)
def test_publish_scheduled_run_twice_at_once_publishes_each_article_exactly_once():
    past = timezone.now() - datetime.timedelta(minutes=5)
    source = SourceFactory()
    due = {ArticleFactory(source=source, status="scheduled", publish_at=past).pk for _ in range(30)}
    results: list[list[int]] = [[], []]
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(slot: int) -> None:
        try:
            barrier.wait()
            results[slot] = services.articles_publish_scheduled()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(slot,)) for slot in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert set(results[0]).isdisjoint(results[1])
    assert set(results[0]) | set(results[1]) == due
    assert Article.objects.filter(pk__in=due, status="published").count() == 30
