"""One upstream record -> one article (``article_import``: in its own transaction; ``chunks``: in a savepoint of
a chunk's transaction).

* Idempotent: an article is found by (source, guid — or the URL when there is no guid). The same
  upstream record (same ``import_checksum``) changes nothing.
* A changed record updates a **draft** in place, unless an editor has edited it since the import (its
  content no longer hashes to ``import_content_hash``): then the editor's version stays and the report
  says so. An article past the draft stage (in review, scheduled, published, archived) is never changed
  by an import: the upstream version becomes a revision waiting for an editor (``pending_upstream``),
  accepted with ``revision_restore`` or dismissed with ``revision_dismiss_upstream``.
* The source is the one the operator bound the document to, else the outlet's site (``sources``).
* A record is all or nothing: one that fails is reported and rolled back whole, the others land.
* Two imports at once create each article once: the unique constraint on (source, guid) decides, and
  the loser of the race (IntegrityError) updates instead (a chunk that loses it imports its records one by
  one, each in a transaction of its own: see ``chunks``).
* New articles are created with ``articles_create`` (the checks of ``article_save``, their tags and first
  revision in the same step), in a chunk all at once.
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
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from articles import images, importers
from articles.models import Article, Image, Source, Tag
from articles.services.articles import article_publish, article_save, article_set_tags
from articles.services.common import User
from articles.services.creation import article_check_new, article_create, articles_create
from articles.services.images import image_create
from articles.services.imports.lookups import Lookups
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
    reason: str = ""  # why it failed


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


def failed(record: importers.Record, exc: Exception) -> RecordResult:
    """The result of a record whose import raised ``exc`` (the reason as the report gives it)."""
    if isinstance(exc, ValidationError):
        reason = _reasons(exc)
    elif isinstance(exc, importers.Invalid):
        reason = str(exc)
    elif isinstance(exc, DatabaseError):
        reason = f"資料庫錯誤：{exc}"
    else:  # one hostile record must not stop the run
        logger.error("import of %s failed", record.where, exc_info=exc)
        reason = f"未預期的錯誤：{type(exc).__name__}: {exc}"
    return RecordResult(Outcome.FAILED, reason=reason)


# --- the operator's binding ------------------------------------------------------


def unbound_feed_reason(record: importers.Record) -> str:
    """Why a feed's records cannot be imported without the operator naming their source."""
    return (f"RSS/Atom 摘要（自稱「{record.source.name}」）沒有綁定來源，不會依摘要自稱的名稱決定來源："
            "請以 --source 來源代稱 指定，或在來源設定的「RSS/Atom 網址」填入此摘要網址後以 --url 匯入")


def bound_source(record: importers.Record, source: Source | None) -> Source | None:
    if source is None and record.needs_binding:
        raise importers.Invalid(unbound_feed_reason(record))
    return source


# --- one record --------------------------------------------------------------------


def by_key(source_id: int, keys: list[str]):
    """The source's articles with these import keys."""
    # Saying what the unique index's condition says (no guid is "") lets SQLite use that (partial) index: a lookup
    # per key, not a scan of the source's articles.
    return Article.objects.filter(source_id=source_id, guid__in=keys).exclude(guid="")


def _existing(record: importers.Record, bound: Source | None, lookups: Lookups) -> Article | None:
    source = bound_source(record, bound) or lookups.source_match(record.source)
    if source is None:
        return None
    return by_key(source.pk, [record.key]).first()


def _wants_publish(article: Article, publish: bool) -> bool:
    return publish and article.status == Article.Status.DRAFT and article.published_at is None


def settled(record: importers.Record, existing: Article | None, *, publish: bool) -> RecordResult | None:
    """The result of a record that needs no write at all, read off the article it would change; else None."""
    if existing is None or _wants_publish(existing, publish):
        return None
    if existing.import_checksum == record.checksum:
        return RecordResult(Outcome.UNCHANGED, existing.pk)  # the common re-import
    if existing.status == Article.Status.DRAFT and _edited_since_import(existing):
        return RecordResult(Outcome.KEPT, existing.pk)
    return None


def needs_picture(record: importers.Record, existing: Article | None) -> bool:
    return record.image is not None and (existing is None or existing.featured_image_id is None)


def picture_for(record: importers.Record) -> tuple[images.Prepared | None, str]:
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


def _save_import(article: Article, user: User, *, tags: list | None = None) -> None:
    """Save an updated article, or (with ``tags``) create a new one with its tags in one step."""
    if tags is None:
        article_save(article=article, user=user)
    else:
        article_create(article=article, tags=tags, user=user)
    _fingerprint_stored([article])


def _fingerprint_stored(articles: list[Article]) -> None:
    # Saving sanitises the body again; should that ever change it, fingerprint what was stored.
    for article in articles:
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


def _merge_tags(article: Article, record: importers.Record) -> None:
    if not record.tags:
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


@dataclass
class New:
    """A new article checked and waiting to be created with the others of its chunk (``create_new``)."""

    article: Article
    tags: list[Tag]


def apply(*, record: importers.Record, bound: Source | None, picture: images.Prepared | None, publish: bool,
          user: User, lookups: Lookups, absent: bool = False, new: list[New] | None = None) -> RecordResult:
    """Write one record, inside the caller's transaction; raises when it cannot be imported.

    ``absent``: the caller has just seen no article for the record (``chunks`` looks for a whole chunk's in a few
    queries): it is created without asking again, and should one have appeared meanwhile the unique index says so.
    ``new``: a new article is checked (``article_check_new``) and added there instead of being created: the caller
    creates them all at once (``create_new``); its result then has no ``article_id`` yet.
    """
    source = bound_source(record, bound) or lookups.source_for_import(record.source)
    original = lookups.source_for_import(record.original_source) if record.original_source else None
    article = None if absent else by_key(source.pk, [record.key]).select_for_update().first()
    created = False
    if article is None:
        article = Article(status=Article.Status.DRAFT)
        _fill(article, record, source=source, original=original)
        _attach_image(article, record, picture, source, user)
        tags = lookups.tags(record.tags)  # outside the savepoint below: what it creates is journaled per record
        if new is not None:
            article_check_new(article=article, user=user)
            new.append(New(article, tags))
            return RecordResult(Outcome.CREATED)
        try:
            with transaction.atomic():
                _save_import(article, user, tags=tags)
            created = True
        except (IntegrityError, ValidationError):
            # Lost a race with another import of the same record? Then update what it wrote.
            article = by_key(source.pk, [record.key]).select_for_update().first()
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
    if outcome == Outcome.UPDATED:
        _merge_tags(article, record)
    return _published(RecordResult(outcome, article.pk), article, publish=publish, user=user)


def _published(result: RecordResult, article: Article, *, publish: bool, user: User) -> RecordResult:
    """``--publish``: publish a draft that passes the gate; the result says which, or why not."""
    if not _wants_publish(article, publish):
        return result
    try:
        with transaction.atomic():
            article_publish(article=article, user=user)
    except ValidationError as exc:
        return replace(result, not_published=_reasons(exc))
    return replace(result, published=True)


def create_new(new: list[New], *, publish: bool, user: User) -> list[RecordResult]:
    """Create the articles ``apply`` gathered (one ``articles_create``), then publish those ``--publish`` asks for.

    All or nothing: ``IntegrityError`` when another import created one of them meanwhile (the caller imports them
    one by one then, each updating what the other wrote)."""
    articles_create(articles=[item.article for item in new], tags=[item.tags for item in new], user=user)
    _fingerprint_stored([item.article for item in new])
    return [_published(RecordResult(Outcome.CREATED, item.article.pk), item.article, publish=publish, user=user)
            for item in new]


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
    existing = _existing(record, source, Lookups())
    result = settled(record, existing, publish=publish)
    if result is not None:
        return result  # no write at all
    picture, problem = picture_for(record) if needs_picture(record, existing) else (None, "")
    with transaction.atomic():
        # Sources read again inside the transaction: the reprint gate judges them as they are when it writes.
        result = apply(record=record, bound=source, picture=None if dry_run else picture, publish=publish,
                       user=user, lookups=Lookups())
        if dry_run:
            transaction.set_rollback(True)
    return replace(result, picture_problem=problem) if problem else result


