"""Who listens to ``articles.events``: connected once, in ``AppConfig.ready``.

Deletes come straight from the admin and from cascades, not through services, so ``pre_delete`` turns them into
events too: what the deleted object showed on pages is recorded inside the deleting transaction, like any write.
"""

from __future__ import annotations

from django.db.models.signals import pre_delete

from articles import events, search
from articles.models import Article, Image, Source, Tag


def _before_delete(sender, instance, **kwargs) -> None:
    if isinstance(instance, Article):
        # Its own pages go with it (cascade); the related lists holding it are outdated like on any change of it.
        events.record(articles=[instance.pk])
        search.unindex_articles([instance.pk])  # in the deleting transaction: gone from every search with it
    elif isinstance(instance, Tag):
        events.record(tags=[instance.pk])
    elif isinstance(instance, Source):
        events.record(sources=[instance.pk])
    elif isinstance(instance, Image):
        events.record(images=[instance.pk])


def connect() -> None:
    from articles import pages, related
    from articles.caching import freshness

    freshness.connect()
    related.connect()
    pages.connect()
    for model in (Article, Tag, Image, Source):
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=f"events-delete-{model.__name__}")
