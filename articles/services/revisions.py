"""Revisions: every save of an article keeps its content; editors compare and restore them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, Revision, TaggedArticle
from articles.services.common import User

DEFAULT_KEEP = 50
CONTENT_FIELDS = ["title", "summary", "body", "language", "author", "original_url", "copyright_notice", "status",
                  "publish_at", "title_hant", "title_hans", "summary_hant", "summary_hans", "body_hant", "body_hans",
                  "copyright_hant", "copyright_hans"]


class ArticleConflict(ValidationError):
    """Someone saved the article after the editor opened it; their edit is kept, this one is refused."""

    def __init__(self, *, article_id: int, base_version: int, current_version: int) -> None:
        super().__init__(
            f"這篇文章在您開啟後已被其他人儲存（您的版本 {base_version}，目前版本 {current_version}）；"
            "為避免覆蓋對方的修改，這次儲存沒有寫入。請比較差異後重新載入頁面再編輯。",
            code="conflict",
        )
        self.article_id = article_id
        self.base_version = base_version
        self.current_version = current_version


def _actor(user: User):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def _snapshot(article: Article, tags: list[str]) -> Revision:
    revision = Revision(
        article_id=article.pk, version=article.version, tags=sorted(tags),
        featured_image_pk=article.featured_image_id, source_pk=article.source_id,
        original_source_pk=article.original_source_id,
    )
    for name in CONTENT_FIELDS:
        setattr(revision, name, getattr(article, name))
    return revision


def _tag_names(article_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {pk: [] for pk in article_ids}
    rows = TaggedArticle.objects.filter(content_object_id__in=article_ids).values_list("content_object_id",
                                                                                       "tag__name")
    for pk, name in rows:
        names[pk].append(name)
    return names


@transaction.atomic
def revision_record(*, article: Article, user: User = None, note: str = "",
                    tags: list[str] | None = None, pending_upstream: bool = False) -> Revision:
    """Keep the article's content as it is now (tags included) as its newest revision.

    ``pending_upstream``: ``article`` is an unsaved copy holding an upstream update of a live article;
    the revision waits for an editor (``revision_restore`` accepts it) and replaces any older one waiting.
    """
    if tags is None:
        tags = _tag_names([article.pk])[article.pk]
    revision = _snapshot(article, tags)
    revision.user = _actor(user)
    revision.note = note[:200]
    revision.pending_upstream = pending_upstream
    if pending_upstream:
        Revision.objects.filter(article_id=article.pk, pending_upstream=True).update(pending_upstream=False)
    revision.save()
    return revision


@transaction.atomic
def revisions_record_bulk(*, articles: list[Article], note: str = "", tags: list[list[str]] | None = None,
                          user: User = None) -> list[Revision]:
    """Keep a revision of each article in one query (re-conversion after a glossary change, imports).

    ``tags[i]``: the tags of ``articles[i]`` when the caller has just written them (else they are read)."""
    if not articles:
        return []
    if tags is None:
        names = _tag_names([article.pk for article in articles])
        tags = [names[article.pk] for article in articles]
    revisions = [_snapshot(article, names) for article, names in zip(articles, tags, strict=True)]
    for revision in revisions:
        revision.note = note[:200]
        revision.user = _actor(user)
    return Revision.objects.bulk_create(revisions)


@transaction.atomic
def revision_set_tags(*, revision: Revision, names: list[str]) -> Revision:
    """Record the tags an edit ended with on that edit's revision (tags are written just after the article)."""
    revision.tags = sorted(names)
    revision.save(update_fields=["tags"])
    return revision


@transaction.atomic
def revisions_prune(*, article: Article, keep: int | None = None) -> int:
    """Delete old revisions; returns how many went.

    Kept: the newest ``keep`` (settings.REVISIONS_KEEP, default 50), the newest of every day (Asia/Taipei),
    the newest revision saved as published (or scheduled) — the content readers see or last saw — and an
    upstream update still waiting for an editor.
    """
    keep = keep if keep is not None else getattr(settings, "REVISIONS_KEEP", DEFAULT_KEEP)
    rows = list(article.revisions.order_by("-created_at", "-id")
                .values_list("pk", "created_at", "status", "pending_upstream"))
    if len(rows) <= keep:
        return 0
    kept = {row[0] for row in rows[:keep]}
    days: set = set()
    published_kept = False
    for pk, created_at, status, pending in rows:
        if pending:  # never shown to readers; it waits for an editor's decision
            kept.add(pk)
            continue
        day = timezone.localtime(created_at).date()
        if day not in days:
            days.add(day)
            kept.add(pk)
        # A scheduled revision is what readers see once its time comes (the cron flips the status only).
        if status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED) and not published_kept:
            published_kept = True
            kept.add(pk)
    doomed = [row[0] for row in rows if row[0] not in kept]
    if doomed:
        Revision.objects.filter(pk__in=doomed).delete()
    return len(doomed)
