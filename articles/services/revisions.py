"""Revisions: every save of an article keeps its content; editors compare and restore them."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from articles.models import Article, AuditEntry, Image, Revision, Source, TaggedArticle
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
def revisions_record_bulk(*, articles: list[Article], note: str = "") -> list[Revision]:
    """Keep a revision of each article in one query (re-conversion after a glossary change)."""
    if not articles:
        return []
    names = _tag_names([article.pk for article in articles])
    revisions = [_snapshot(article, names[article.pk]) for article in articles]
    for revision in revisions:
        revision.note = note[:200]
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


@transaction.atomic
def revision_restore(*, revision: Revision, user: User = None) -> Article:
    """Make ``revision``'s content (tags included) the article's current content, saved as a new revision.

    The workflow state (status, publish time) stays as it is now: restoring text never publishes or
    unpublishes anything. So restoring into a published or scheduled article passes the reprint gate like any
    save of a listed article (``article_save``): when its source's (or the revision's source's) permission is
    not valid today the restore is refused with ``ValidationError`` and nothing changes — unpublish it first
    to restore the text as a draft. Restoring an upstream update that was waiting
    for an editor accepts it.
    """
    from articles.services.articles import article_save, article_set_tags
    from articles.services.audit import audit_record

    article = Article.objects.select_for_update().get(pk=revision.article_id)
    for name in ["title", "summary", "body", "language", "author", "original_url", "copyright_notice"]:
        setattr(article, name, getattr(revision, name))
    image_id = revision.featured_image_pk
    article.featured_image_id = image_id if image_id and Image.objects.filter(pk=image_id).exists() else None
    existing = set(Source.objects.filter(pk__in=[revision.source_pk, revision.original_source_pk])
                   .values_list("pk", flat=True))
    article.source_id = revision.source_pk if revision.source_pk in existing else None
    article.original_source_id = revision.original_source_pk if revision.original_source_pk in existing else None
    note = f"還原自版本 {revision.version}（{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M}）"
    if revision.pending_upstream:
        note = f"採用上游更新（{timezone.localtime(revision.created_at):%Y-%m-%d %H:%M} 匯入）"
        Revision.objects.filter(pk=revision.pk).update(pending_upstream=False)
        revision.pending_upstream = False
    article_save(article=article, user=user, note=note)
    article_set_tags(article=article, names=list(revision.tags), user=user)
    audit_record(action=AuditEntry.Action.RESTORE, obj=article, user=user, from_value=f"版本 {revision.version}",
                 to_value=f"版本 {article.version}", note=note)
    return article


@transaction.atomic
def revision_dismiss_upstream(*, article: Article, user: User = None) -> int:
    """Keep the article as it is: its upstream update stops waiting (it stays in the history); returns how many."""
    from articles.services.articles import PUBLISH_PERMISSION

    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("只有編輯可以處理上游更新。")
    who = user.get_username() if _actor(user) is not None else "系統"
    return Revision.objects.filter(article_id=article.pk, pending_upstream=True).update(
        pending_upstream=False, note=f"上游更新（{who} 於 {timezone.localtime():%Y-%m-%d %H:%M} 決定不採用）"[:200])
