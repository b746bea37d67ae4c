"""Articles: saving, the editorial workflow, scheduled publishing, re-conversion.

Every function takes keyword-only arguments, runs in one transaction and raises
``ValidationError`` with a reason an editor can read when it refuses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import events, search
from articles.models import Article, AuditEntry, reprint_valid
from articles.services.audit import audit_record
from articles.services.autosaves import autosaves_clear
from articles.services.common import ARCHIVE_PERMISSION, PUBLISH_PERMISSION, User, require
from articles.services.images import renditions_ensure
from articles.services.revisions import (
    ArticleConflict,
    revision_record,
    revision_set_tags,
    revisions_prune,
    revisions_record_bulk,
)


def article_publish_problems(*, article: Article) -> list[str]:
    """Everything that stops ``article`` from going public, in the editor's words.

    The reprint gate: ``article_save`` checks it for every save that leaves an article listed (published or
    scheduled), so every route to the public — publish, schedule, the admin form, bulk actions, review
    approval, revision restore, imports — goes through it; ``Article.objects.published()`` applies the same
    rule (``Source.permission_valid``) to readers, and ``articles_publish_scheduled`` takes down what lapsed.
    """
    problems = []
    if not (article.title or "").strip():
        problems.append("缺少標題。")
    if not (article.body or "").strip():
        problems.append("缺少內文。")
    problems += [problem + "取得授權並更新來源後才能發布或排程。" for problem in article.reprint_problems()]
    return problems


def _ensure_renditions(article: Article) -> None:
    # Normally made at upload; this catches images that predate a spec or lost a file. One query when
    # nothing is missing, so readers never meet an image without its sizes.
    if article.featured_image_id:
        renditions_ensure(image=article.featured_image)


def _check_publishable(article: Article) -> None:
    problems = article_publish_problems(article=article)
    if problems:
        raise ValidationError(problems)


def _stored_status(article: Article) -> str:
    if article.pk is None:
        return ""
    return Article.objects.filter(pk=article.pk).values_list("status", flat=True).first() or ""


def _audit_status(article: Article, action: str, old_status: str, user: User) -> None:
    labels = dict(Article.Status.choices)
    audit_record(action=action, obj=article, user=user, from_value=labels.get(old_status, old_status),
                 to_value=labels.get(article.status, article.status))


@transaction.atomic
def article_save(
    *, article: Article, user: User = None, expected_version: int | None = None, note: str = ""
) -> Article:
    """Create or update an article, keeping a revision and recording who did it; pages showing it are
    refreshed after commit.

    With ``expected_version`` (the version the editor's form was based on) the save is refused with
    ``ArticleConflict`` when someone else saved in between, so nobody's edit is silently overwritten.
    """
    if user is not None and getattr(user, "is_authenticated", False):
        if article.pk is None and article.created_by_id is None:
            article.created_by = user
        article.updated_by = user
    article.full_clean(exclude=["tags"])
    if article.status in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
        # The one boundary of the reprint gate: whatever the caller, a listed article passes it.
        _check_publishable(article)
    stored = None
    if article.pk is not None:
        # The row lock makes check-and-increment one step for concurrent saves (PostgreSQL; SQLite
        # serialises writers anyway).
        stored = Article.objects.select_for_update().filter(pk=article.pk).values_list("version", flat=True).first()
    if expected_version is not None and stored is not None and stored != expected_version:
        raise ArticleConflict(article_id=article.pk, base_version=expected_version, current_version=stored)
    article.version = (stored if stored is not None else article.version) + 1
    created = article.pk is None
    article.save()
    autosaves_clear(article=article, user=user, created=created)  # the saver's unsaved typing is now saved
    # Tags are written right after the article by article_set_tags, which completes this revision.
    article._revision = revision_record(article=article, user=user, note=note)
    revisions_prune(article=article)
    search.index_articles([article.pk])
    events.record(articles=[article.pk])
    return article


@transaction.atomic
def article_set_tags(*, article: Article, names: list[str], user: User = None) -> Article:
    """Replace the article's tags (names in either script land on one canonical tag).

    Right after ``article_save`` (the admin form, an import) the tags belong to that save's revision;
    a change of tags alone is kept as a revision of its own.
    """
    article.tags.set(names)
    stored = list(article.tags.names())
    revision = getattr(article, "_revision", None)
    article._revision = None
    if revision is not None:
        revision_set_tags(revision=revision, names=stored)
    else:
        revision_record(article=article, user=user, note="修改標籤", tags=stored)
    events.record(articles=[article.pk])
    return article


@transaction.atomic
def article_publish(*, article: Article, user: User = None, expected_version: int | None = None) -> Article:
    """Publish ``article`` now, or raise ``ValidationError`` with the reason it cannot go out."""
    require(user, PUBLISH_PERMISSION, "只有編輯可以發布文章；撰稿人請把文章送審。")
    _check_publishable(article)
    _ensure_renditions(article)
    old_status = _stored_status(article)
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if article.publish_at is None or article.publish_at > now:
        article.publish_at = now
    if article.published_at is None:
        article.published_at = now
    article_save(article=article, user=user, expected_version=expected_version)
    _audit_status(article, AuditEntry.Action.PUBLISH, old_status, user)
    return article


@transaction.atomic
def article_schedule(
    *, article: Article, publish_at: datetime.datetime, user: User = None, expected_version: int | None = None
) -> Article:
    """Schedule ``article`` to go public at ``publish_at``; the reprint gate applies now."""
    require(user, PUBLISH_PERMISSION, "只有編輯可以排程文章；撰稿人請把文章送審。")
    _check_publishable(article)
    if publish_at is None:
        raise ValidationError({"publish_at": "排程發布需要發布時間。"})
    _ensure_renditions(article)
    old_status = _stored_status(article)
    article.status = Article.Status.SCHEDULED
    article.publish_at = publish_at
    article_save(article=article, user=user, expected_version=expected_version)
    audit_record(action=AuditEntry.Action.SCHEDULE, obj=article, user=user,
                 from_value=dict(Article.Status.choices).get(old_status, old_status),
                 to_value=f"{timezone.localtime(publish_at):%Y-%m-%d %H:%M}")
    return article


@transaction.atomic
def article_submit_for_review(*, article: Article, user: User = None, expected_version: int | None = None) -> Article:
    """Send a draft to the editors."""
    if article.status not in (Article.Status.DRAFT, Article.Status.REVIEW):
        raise ValidationError(f"「{article.get_status_display()}」的文章不能送審；請先下架。")
    article.status = Article.Status.REVIEW
    return article_save(article=article, user=user, expected_version=expected_version)


@transaction.atomic
def article_send_back(*, article: Article, comment: str, user: User = None) -> Article:
    """Return an article in review to its writer as a draft, with the editor's comment for them to read."""
    require(user, PUBLISH_PERMISSION, "只有編輯可以退回文章。")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("退回時請寫下要撰稿人修改什麼。")
    if _stored_status(article) != Article.Status.REVIEW:
        raise ValidationError("只有待審的文章可以退回。")
    article.status = Article.Status.DRAFT
    article_save(article=article, user=user, note="編輯退回修改")
    audit_record(action=AuditEntry.Action.SEND_BACK, obj=article, user=user, from_value="待審", to_value="草稿",
                 note=comment)
    return article


@transaction.atomic
def article_unpublish(*, article: Article, user: User = None, expected_version: int | None = None) -> Article:
    """Take an article off the public site; it becomes a draft again."""
    require(user, PUBLISH_PERMISSION, "只有編輯可以下架文章。")
    old_status = _stored_status(article)
    article.status = Article.Status.DRAFT
    article_save(article=article, user=user, expected_version=expected_version)
    _audit_status(article, AuditEntry.Action.UNPUBLISH, old_status, user)
    return article


@transaction.atomic
def article_archive(*, article: Article, user: User = None, expected_version: int | None = None) -> Article:
    """Archive an article: off the public site, kept for the record."""
    require(user, ARCHIVE_PERMISSION, "只有編輯可以封存文章。")
    old_status = _stored_status(article)
    article.status = Article.Status.ARCHIVED
    article_save(article=article, user=user, expected_version=expected_version)
    _audit_status(article, AuditEntry.Action.ARCHIVE, old_status, user)
    return article


def article_set_status(
    *, article: Article, status: str, user: User = None, expected_version: int | None = None
) -> Article:
    """Move ``article`` to ``status`` through the workflow service for that step."""
    kwargs = {"article": article, "user": user, "expected_version": expected_version}
    if status == Article.Status.PUBLISHED:
        if article.is_public and article.status == Article.Status.PUBLISHED:
            return article_save(**kwargs)
        return article_publish(**kwargs)
    if status == Article.Status.SCHEDULED:
        return article_schedule(publish_at=article.publish_at, **kwargs)
    if status == Article.Status.ARCHIVED:
        return article_archive(**kwargs)
    if status == Article.Status.REVIEW:
        return article_submit_for_review(**kwargs)
    if article.pk and Article.objects.filter(pk=article.pk).published().exists():
        return article_unpublish(**kwargs)
    article.status = Article.Status.DRAFT
    return article_save(**kwargs)


def articles_take_down_lapsed(*, today: datetime.date | None = None) -> list[int]:
    """Make drafts of the listed articles whose source's reprint permission is no longer valid ``today``.

    Readers stopped seeing them at midnight (``published()``); this puts the status in line, drops them from
    the caches through the normal article-change path and records why. A draft, not archived: once the
    permission is renewed an editor publishes it again, through the gate.
    """
    today = today or timezone.localdate()
    taken: list[int] = []
    for pk in Article.objects.reprint_lapsed(today=today).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            article = (Article.objects.select_for_update(of=("self",)).select_related("source", "original_source")
                       .filter(pk=pk).first())
            if article is None or article.status not in (Article.Status.PUBLISHED, Article.Status.SCHEDULED):
                continue
            problems = article.reprint_problems(on=today)
            if not problems:
                continue  # renewed meanwhile
            old_status = article.status
            article.status = Article.Status.DRAFT
            article_save(article=article, note="授權到期，自動下架")
            labels = dict(Article.Status.choices)
            audit_record(action=AuditEntry.Action.PERMISSION_LAPSED, obj=article,
                         from_value=labels.get(old_status, old_status), to_value=labels[article.status],
                         note=" ".join(problems))
            taken.append(pk)
    return taken


def articles_publish_scheduled(*, now: datetime.datetime | None = None) -> list[int]:
    """Flip due scheduled articles to published, each exactly once even under concurrent runs.

    The conditional UPDATE is the claim: of two runs racing for the same row only one sees
    ``status='scheduled'`` still true and gets a row count of 1. An article whose permission lapsed since it
    was scheduled is never published: ``articles_take_down_lapsed`` (run first by ``publish_scheduled``)
    makes it a draft.
    """
    now = now or timezone.now()
    published: list[int] = []
    claimable = Article.objects.filter(reprint_valid(timezone.localdate(now)), status=Article.Status.SCHEDULED,
                                       publish_at__lte=now)
    due_ids = list(claimable.order_by("publish_at").values_list("pk", flat=True))
    for pk in due_ids:
        with transaction.atomic():
            # No joins in the claim: with them Django would make it ``pk IN (SELECT ...)``, which PostgreSQL
            # does not re-check on the row a concurrent run just flipped. (A permission withdrawn in between
            # still hides the article from readers; the next run takes it down.)
            claimed = Article.objects.filter(pk=pk, status=Article.Status.SCHEDULED, publish_at__lte=now).update(
                status=Article.Status.PUBLISHED, published_at=now
            )
            if claimed:
                published.append(pk)
                article = Article.objects.get(pk=pk)
                audit_record(action=AuditEntry.Action.PUBLISH, obj=article, from_value="已排程", to_value="已發布",
                             note="排程時間已到，自動發布。")
                events.record(articles=[pk])
    return published




VARIANT_FIELDS = list(Article.VARIANT_FIELDS)


def articles_convert(
    *, queryset=None, batch_size: int = 200, progress: Callable[[int, int], None] | None = None
) -> int:
    """Re-derive both script variants (after a glossary change); returns how many articles were converted.

    Only the derived columns are written, so an article's ``updated_at`` and editor stay as they were.
    """
    queryset = (queryset if queryset is not None else Article.objects.all()).select_related("source")
    total = queryset.count()
    done = 0
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(queryset.filter(pk__in=ids[start:start + batch_size]))
            converted = []
            for article in batch:
                before = [getattr(article, name) for name in VARIANT_FIELDS]
                article.derive_variants()
                if before != [getattr(article, name) for name in VARIANT_FIELDS]:
                    converted.append(article)
            Article.objects.bulk_update(batch, VARIANT_FIELDS)
            # The derived text is part of what readers see: keep it as a revision where it changed.
            revisions_record_bulk(articles=converted, note="詞彙表變更後重新轉換繁簡")
            for article in converted:
                revisions_prune(article=article)
            search.index_articles(article.pk for article in batch)
            events.record(articles=[article.pk for article in converted])
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return done
