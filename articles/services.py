"""Writes with side effects: saving, the editorial workflow, scheduled publishing.

Every function takes keyword-only arguments, runs in one transaction and raises
``ValidationError`` with a reason an editor can read when it refuses.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from articles import chinese, images
from articles.models import Article, GlossaryTerm, Image, ShareCount

PUBLISH_PERMISSION = "articles.publish_article"
ARCHIVE_PERMISSION = "articles.archive_article"

User = AbstractBaseUser | AnonymousUser | None


def _require(user: User, perm: str, message: str) -> None:
    # user=None means a trusted caller (a management command, a migration).
    if user is not None and not user.has_perm(perm):
        raise PermissionDenied(message)


def article_publish_problems(*, article: Article) -> list[str]:
    """Everything that stops ``article`` from going public, in the editor's words."""
    problems = []
    if not (article.title or "").strip():
        problems.append("缺少標題。")
    if not (article.body or "").strip():
        problems.append("缺少內文。")
    today = timezone.localdate()
    for source in (article.source, article.original_source):
        if source is None:
            continue
        problem = source.reprint_problem(on=today)
        if problem and problem not in problems:
            problems.append(problem + "取得授權並更新來源後才能發布或排程。")
    return problems


def _check_publishable(article: Article) -> None:
    problems = article_publish_problems(article=article)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def article_save(*, article: Article, user: User = None) -> Article:
    """Create or update an article, recording who did it."""
    if user is not None and getattr(user, "is_authenticated", False):
        if article.pk is None and article.created_by_id is None:
            article.created_by = user
        article.updated_by = user
    article.full_clean(exclude=["tags"])
    article.save()
    return article


@transaction.atomic
def article_publish(*, article: Article, user: User = None) -> Article:
    """Publish ``article`` now, or raise ``ValidationError`` with the reason it cannot go out."""
    _require(user, PUBLISH_PERMISSION, "只有編輯可以發布文章；撰稿人請把文章送審。")
    _check_publishable(article)
    now = timezone.now()
    article.status = Article.Status.PUBLISHED
    if article.publish_at is None or article.publish_at > now:
        article.publish_at = now
    if article.published_at is None:
        article.published_at = now
    return article_save(article=article, user=user)


@transaction.atomic
def article_schedule(*, article: Article, publish_at: datetime.datetime, user: User = None) -> Article:
    """Schedule ``article`` to go public at ``publish_at``; the reprint gate applies now."""
    _require(user, PUBLISH_PERMISSION, "只有編輯可以排程文章；撰稿人請把文章送審。")
    _check_publishable(article)
    if publish_at is None:
        raise ValidationError({"publish_at": "排程發布需要發布時間。"})
    article.status = Article.Status.SCHEDULED
    article.publish_at = publish_at
    return article_save(article=article, user=user)


@transaction.atomic
def article_submit_for_review(*, article: Article, user: User = None) -> Article:
    """Send a draft to the editors."""
    if article.status not in (Article.Status.DRAFT, Article.Status.REVIEW):
        raise ValidationError(f"「{article.get_status_display()}」的文章不能送審；請先下架。")
    article.status = Article.Status.REVIEW
    return article_save(article=article, user=user)


@transaction.atomic
def article_unpublish(*, article: Article, user: User = None) -> Article:
    """Take an article off the public site; it becomes a draft again."""
    _require(user, PUBLISH_PERMISSION, "只有編輯可以下架文章。")
    article.status = Article.Status.DRAFT
    return article_save(article=article, user=user)


@transaction.atomic
def article_archive(*, article: Article, user: User = None) -> Article:
    """Archive an article: off the public site, kept for the record."""
    _require(user, ARCHIVE_PERMISSION, "只有編輯可以封存文章。")
    article.status = Article.Status.ARCHIVED
    return article_save(article=article, user=user)


def article_set_status(*, article: Article, status: str, user: User = None) -> Article:
    """Move ``article`` to ``status`` through the workflow service for that step."""
    if status == Article.Status.PUBLISHED:
        if article.is_public and article.status == Article.Status.PUBLISHED:
            return article_save(article=article, user=user)
        return article_publish(article=article, user=user)
    if status == Article.Status.SCHEDULED:
        return article_schedule(article=article, publish_at=article.publish_at, user=user)
    if status == Article.Status.ARCHIVED:
        return article_archive(article=article, user=user)
    if status == Article.Status.REVIEW:
        return article_submit_for_review(article=article, user=user)
    if article.pk and Article.objects.filter(pk=article.pk).published().exists():
        return article_unpublish(article=article, user=user)
    article.status = Article.Status.DRAFT
    return article_save(article=article, user=user)


def articles_publish_scheduled(*, now: datetime.datetime | None = None) -> list[int]:
    """Flip due scheduled articles to published, each exactly once even under concurrent runs.

    The conditional UPDATE is the claim: of two runs racing for the same row only one sees
    ``status='scheduled'`` still true and gets a row count of 1.
    """
    now = now or timezone.now()
    published: list[int] = []
    due_ids = list(
        Article.objects.filter(status=Article.Status.SCHEDULED, publish_at__lte=now)
        .order_by("publish_at")
        .values_list("pk", flat=True)
    )
    for pk in due_ids:
        with transaction.atomic():
            claimed = Article.objects.filter(pk=pk, status=Article.Status.SCHEDULED, publish_at__lte=now).update(
                status=Article.Status.PUBLISHED, published_at=now
            )
            if claimed:
                published.append(pk)
    return published


@transaction.atomic
def image_create(
    *,
    file: File,
    alt_text: str,
    credit: str = "",
    caption: str = "",
    ai_generated: bool = False,
    source=None,
    user: User = None,
) -> Image:
    """Store an uploaded picture once per distinct content; return the existing row for a duplicate."""
    try:
        inspected = images.inspect_upload(file)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    existing = Image.objects.filter(content_hash=inspected.content_hash).first()
    if existing is not None:
        return existing
    image = Image(
        alt_text=alt_text,
        credit=credit,
        caption=caption,
        ai_generated=ai_generated,
        source=source,
        format=inspected.format,
        content_hash=inspected.content_hash,
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    image.file.save(f"upload.{inspected.format.lower()}", file, save=False)
    image.full_clean()
    image.save()
    return image


VARIANT_FIELDS = ["title_hant", "title_hans", "summary_hant", "summary_hans", "body_hant", "body_hans",
                  "copyright_hant", "copyright_hans"]


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
            for article in batch:
                article.derive_variants()
            Article.objects.bulk_update(batch, VARIANT_FIELDS)
        done += len(batch)
        if progress is not None:
            progress(done, total)
    return done


@transaction.atomic
def glossary_term_save(*, term: GlossaryTerm, user: User = None) -> GlossaryTerm:
    """Add or change a glossary term; every worker picks it up after the commit."""
    if user is not None and getattr(user, "is_authenticated", False):
        term.updated_by = user
    term.full_clean()
    term.save()
    transaction.on_commit(chinese.glossary_changed)
    return term


@transaction.atomic
def glossary_term_delete(*, term: GlossaryTerm, user: User = None) -> None:
    """Remove a glossary term; every worker drops it after the commit."""
    term.delete()
    transaction.on_commit(chinese.glossary_changed)


@transaction.atomic
def share_record(*, article_id: int, network: str) -> tuple[int, int]:
    """Count one share click; returns ``(count for this network today, article total)``.

    Both counters move with single ``UPDATE ... SET n = n + 1`` statements in one transaction,
    never read-modify-write, so concurrent clicks are never lost: SQLite serialises the writers
    (IMMEDIATE transactions wait on the busy timeout), PostgreSQL takes row locks. The day's row
    is created on first use; when two first clicks race, the loser's INSERT fails on the unique
    constraint inside a savepoint and it falls back to the UPDATE.
    """
    if network not in ShareCount.Network.values:
        raise ValidationError({"network": f"不支援的分享方式：{network}"})
    day = timezone.localdate()
    rows = ShareCount.objects.filter(article_id=article_id, network=network, day=day)
    if not rows.update(count=F("count") + 1):
        try:
            with transaction.atomic():
                ShareCount.objects.create(article_id=article_id, network=network, day=day, count=1)
        except IntegrityError:
            rows.update(count=F("count") + 1)
    Article.objects.filter(pk=article_id).update(share_total=F("share_total") + 1)
    count = rows.values_list("count", flat=True).get()
    total = Article.objects.filter(pk=article_id).values_list("share_total", flat=True).get()
    return count, total
