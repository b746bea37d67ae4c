"""One upstream record -> one article, in its own transaction (``article_import``).

* Idempotent: an article is found by (source, guid — or the URL when there is no guid). The same
  upstream record (same ``import_checksum``) changes nothing.
* A changed record updates a **draft** in place, unless an editor has edited it since the import (its
  content no longer hashes to ``import_content_hash``): then the editor's version stays and the report
  says so. An article past the draft stage (in review, scheduled, published, archived) is never changed
  by an import: the upstream version becomes a revision waiting for an editor (``pending_upstream``),
  accepted with ``revision_restore`` or dismissed with ``revision_dismiss_upstream``.
* The source is the one the operator bound the document to, else the outlet's site (``sources``).
* One record, one transaction: a record that fails is reported and rolled back whole, the others land.
* Two imports at once create each article once: the unique constraint on (source, guid) decides, and
  the loser of the race (IntegrityError, or the uniqueness check in ``full_clean``) updates instead.
* Network and file reads (pictures) happen before the transaction opens, never while it holds locks, and so
  does the picture's validation (decoding it).
* A picture that cannot be had or is refused (missing, not fetched, not a picture, SVG, a decompression
  bomb, truncated, over a limit) never costs its article: the article lands without it and the result says
  why (``picture_problem``), for the report. A full media disk is the site's fault, not the picture's: that
  record fails whole and lands, picture and all, on the next run.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import images, importers
from articles.models import Article, Image, Source
from articles.services.articles import article_publish, article_save, article_set_tags
from articles.services.common import User
from articles.services.images import image_create
from articles.services.imports.sources import source_for_import, source_match
from articles.services.revisions import revision_record
from articles.text import chinese, sanitize

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # upstream changed, but an editor's edit wins; counted as unchanged
    PENDING = "pending"  # upstream changed a live article: a revision waits for an editor; counted as updated
    FAILED = "failed"


@dataclass(frozen=True)
class RecordResult:
    """What became of one record."""

    outcome: Outcome
    article_id: int | None = None
    published: bool = False
    not_published: str = ""  # why --publish left it a draft
    picture_problem: str = ""  # why the article landed without its picture


def content_hash(*, title: str, summary: str, body: str, language: str) -> str:
    """The fingerprint of an article's content; it differs from the import's once an editor edits."""
    payload = "\x1f".join([title or "", summary or "", body or "", language or ""])
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _article_hash(article: Article) -> str:
    return content_hash(title=article.title, summary=article.summary, body=article.body, language=article.language)


def _edited_since_import(article: Article) -> bool:
    return _article_hash(article) != article.import_content_hash


def _guess_language(record: importers.Record) -> str:
    # Text already in a script changes least when converted to that script.
    sample = f"{record.title} {record.summary} {chinese.strip_tags(record.body)}"[:2000]
    changed_by_hant = sum(a != b for a, b in zip(sample, chinese.to_hant(sample), strict=False))
    changed_by_hans = sum(a != b for a, b in zip(sample, chinese.to_hans(sample), strict=False))
    return chinese.HANS if changed_by_hant > changed_by_hans else chinese.HANT


def _reasons(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "；".join(f"{name}: {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(exc.messages)


# --- the operator's binding ------------------------------------------------------


def unbound_feed_reason(record: importers.Record) -> str:
    """Why a feed's records cannot be imported without the operator naming their source."""
    return (f"RSS/Atom 摘要（自稱「{record.source.name}」）沒有綁定來源，不會依摘要自稱的名稱決定來源："
            "請以 --source 來源代稱 指定，或在來源設定的「RSS/Atom 網址」填入此摘要網址後以 --url 匯入")


def _bound(record: importers.Record, source: Source | None) -> Source | None:
    if source is None and record.needs_binding:
        raise importers.Invalid(unbound_feed_reason(record))
    return source


# --- one record --------------------------------------------------------------------


def _existing(record: importers.Record, bound: Source | None) -> Article | None:
    source = _bound(record, bound) or source_match(record.source)
    if source is None:
        return None
    return Article.objects.filter(source=source, guid=record.key).first()


def _wants_publish(article: Article, publish: bool) -> bool:
    return publish and article.status == Article.Status.DRAFT and article.published_at is None


def _picture(record: importers.Record) -> tuple[images.Prepared | None, str]:
    """The record's picture, fetched or read and validated; or None and why it cannot be used."""
    try:
        data, name = importers.image_bytes(record)
        return images.validate_upload(ContentFile(data, name=name)), ""
    except ValidationError as exc:
        return None, _reasons(exc)
    except importers.Invalid as exc:
        return None, str(exc)
    except Exception as exc:  # a hostile picture must not cost its article
        logger.exception("picture of %s could not be read", record.where)
        return None, f"未預期的錯誤：{type(exc).__name__}"


def _fill(article: Article, record: importers.Record, *, source: Source, original: Source | None) -> None:
    article.title = record.title
    article.summary = record.summary
    article.body = sanitize.clean_html(record.body)
    article.language = record.language or _guess_language(record)
    article.author = record.author
    article.source = source
    article.original_source = original
    article.original_url = record.url
    article.guid = record.key
    article.copyright_notice = record.copyright
    article.import_checksum = record.checksum
    article.import_content_hash = _article_hash(article)
    article.imported_at = timezone.now()


def _save_import(article: Article, user: User) -> None:
    article_save(article=article, user=user)
    # save() sanitises the body again; should that ever change it, fingerprint what was stored.
    stored = _article_hash(article)
    if stored != article.import_content_hash:
        article.import_content_hash = stored
        Article.objects.filter(pk=article.pk).update(import_content_hash=stored)


def _attach_image(article: Article, record: importers.Record, picture: images.Prepared | None, source: Source,
                  user: User) -> None:
    if picture is None or record.image is None:
        return
    ref = record.image
    try:
        with transaction.atomic():
            image = image_create(
                prepared=picture, alt_text=(ref.alt or record.title)[:300], credit=ref.credit,
                caption=ref.caption, ai_generated=ref.ai_generated, source=source, user=user,
            )
    except IntegrityError:
        # Another import stored the same picture a moment ago: use its row (one row per distinct file).
        image = Image.objects.get(content_hash=picture.content_hash)
    article.featured_image = image


def _tags_after_update(article: Article, record: importers.Record) -> tuple[list[str], bool]:
    """The article's tags plus upstream's new ones, and whether there are any new ones.

    Updates add upstream's new tags and never remove one, so an editor's tags survive.
    """
    current = list(article.tags.names())
    known = {name.casefold() for name in current}
    new: list[str] = []
    for tag in map(chinese.to_hant, record.tags):  # the canonical form, as article_set_tags stores it
        if tag.casefold() not in known:
            known.add(tag.casefold())
            new.append(tag)
    return current + new, bool(new)


def _merge_tags(article: Article, record: importers.Record, *, created: bool) -> None:
    if not record.tags:
        return
    if created:
        article_set_tags(article=article, names=list(record.tags))
        return
    names, changed = _tags_after_update(article, record)
    if changed:
        article_set_tags(article=article, names=names)


_PROPOSED_FIELDS = ["title", "summary", "body", "language", "author", "original_url", "copyright_notice",
                    "original_source_id", "featured_image_id"]


def _propose(article: Article, record: importers.Record, *, source: Source, original: Source | None,
             picture: images.Prepared | None, user: User) -> RecordResult:
    """Keep upstream's new version of a live article as a revision waiting for an editor; the article stays."""
    proposal = Article.objects.get(pk=article.pk)  # a copy to fill in, never saved
    _fill(proposal, record, source=source, original=original)
    if proposal.featured_image_id is None:
        _attach_image(proposal, record, picture, source, user)
    names, new_tags = _tags_after_update(article, record)
    # Remember what upstream last said, so the next run of the same record changes nothing.
    Article.objects.filter(pk=article.pk).update(import_checksum=record.checksum)
    if not new_tags and all(getattr(proposal, name) == getattr(article, name) for name in _PROPOSED_FIELDS):
        return RecordResult(Outcome.UNCHANGED, article.pk)  # the record changed only where nothing shows
    proposal.derive_variants()
    revision_record(article=proposal, user=user, note="上游更新，等待編輯確認", tags=names, pending_upstream=True)
    return RecordResult(Outcome.PENDING, article.pk)


def _apply(*, record: importers.Record, bound: Source | None, picture: images.Prepared | None, publish: bool,
           user: User) -> RecordResult:
    source = _bound(record, bound) or source_for_import(record.source)
    original = source_for_import(record.original_source) if record.original_source else None
    article = Article.objects.select_for_update().filter(source=source, guid=record.key).first()
    created = False
    if article is None:
        article = Article(status=Article.Status.DRAFT)
        _fill(article, record, source=source, original=original)
        _attach_image(article, record, picture, source, user)
        try:
            with transaction.atomic():
                _save_import(article, user)
            created = True
        except (IntegrityError, ValidationError):
            # Lost a race with another import of the same record? Then update what it wrote.
            article = Article.objects.select_for_update().filter(source=source, guid=record.key).first()
            if article is None:
                raise
    if created:
        outcome = Outcome.CREATED
    elif article.import_checksum == record.checksum:
        outcome = Outcome.UNCHANGED
    elif article.status != Article.Status.DRAFT:
        return _propose(article, record, source=source, original=original, picture=picture, user=user)
    elif _edited_since_import(article):
        return RecordResult(Outcome.KEPT, article.pk)
    else:
        _fill(article, record, source=source, original=original)
        if article.featured_image_id is None:
            _attach_image(article, record, picture, source, user)
        _save_import(article, user)
        outcome = Outcome.UPDATED
    if outcome != Outcome.UNCHANGED:
        _merge_tags(article, record, created=created)
    if _wants_publish(article, publish):
        try:
            with transaction.atomic():
                article_publish(article=article, user=user)
        except ValidationError as exc:
            return RecordResult(outcome, article.pk, not_published=_reasons(exc))
        return RecordResult(outcome, article.pk, published=True)
    return RecordResult(outcome, article.pk)


def article_import(*, record: importers.Record, source: Source | None = None, publish: bool = False,
                   dry_run: bool = False, user: User = None) -> RecordResult:
    """Create or update the draft article for one upstream record, in one transaction.

    ``source`` is the source the operator bound the record's document to (``--source`` or a
    subscription); without one the outlet's site decides, and a feed's record is refused.
    Raises ``ValidationError`` or ``importers.Invalid`` with the reason when the record cannot be
    imported; nothing of it is written then. A picture that cannot be used is not such a reason: the
    article is imported without it and ``picture_problem`` says why. ``dry_run`` does all the work
    (the picture's validation included) and rolls it back.
    """
    existing = _existing(record, source)
    if existing is not None and not _wants_publish(existing, publish):
        if existing.import_checksum == record.checksum:
            return RecordResult(Outcome.UNCHANGED, existing.pk)  # the common re-import: no write at all
        if existing.status == Article.Status.DRAFT and _edited_since_import(existing):
            return RecordResult(Outcome.KEPT, existing.pk)
    needs_image = record.image is not None and (existing is None or existing.featured_image_id is None)
    picture, problem = _picture(record) if needs_image else (None, "")
    with transaction.atomic():
        result = _apply(record=record, bound=source, picture=None if dry_run else picture, publish=publish,
                        user=user)
        if dry_run:
            transaction.set_rollback(True)
    return replace(result, picture_problem=problem) if problem else result


