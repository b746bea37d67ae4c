"""Restoring a revision (an old version, or an upstream update waiting for an editor): through ``article_save``, so
the reprint gate and everything a save does apply."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from articles.models import Article, AuditEntry, Image, Revision, Source
from articles.services.articles import article_save, article_set_tags
from articles.services.audit import audit_record
from articles.services.common import PUBLISH_PERMISSION, User
from articles.services.revisions import _actor


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
    if user is not None and not user.has_perm(PUBLISH_PERMISSION):
        raise PermissionDenied("只有編輯可以處理上游更新。")
    who = user.get_username() if _actor(user) is not None else "系統"
    return Revision.objects.filter(article_id=article.pk, pending_upstream=True).update(
        pending_upstream=False, note=f"上游更新（{who} 於 {timezone.localtime():%Y-%m-%d %H:%M} 決定不採用）"[:200])
