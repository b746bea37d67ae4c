"""Importing articles: each upstream record becomes (or updates) one draft article, in its own transaction.

The readers in ``articles.importers`` turn files and feeds into plain records; this module writes them.

* Idempotent: an article is found by (source, guid — or the URL when there is no guid). The same
  upstream record (same ``import_checksum``) changes nothing; a changed one updates the article,
  unless an editor has edited it since the import (its content no longer hashes to
  ``import_content_hash``): then the editor's version stays and the report says so.
* One record, one transaction: a record that fails is reported and rolled back whole, the others land.
* Two imports at once create each article once: the unique constraint on (source, guid) decides, and
  the loser of the race (IntegrityError, or the uniqueness check in ``full_clean``) updates instead.
* Network and file reads (pictures) happen before the transaction opens, never while it holds locks.
"""

from __future__ import annotations

import enum
import hashlib
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles import chinese, images, importers, sanitize
from articles.models import Article, Image, ImportRun, Source
from articles.services.articles import article_publish, article_save, article_set_tags
from articles.services.common import User
from articles.services.images import image_create

logger = logging.getLogger(__name__)


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    KEPT = "kept"  # upstream changed, but an editor's edit wins; counted as unchanged
    FAILED = "failed"


@dataclass(frozen=True)
class RecordResult:
    """What became of one record."""

    outcome: Outcome
    article_id: int | None = None
    published: bool = False
    not_published: str = ""  # why --publish left it a draft


@dataclass(frozen=True)
class ReportLine:
    """One line of the report: ``kind`` is "failed", "kept" or "unpublished"."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ImportResult:
    """Counts and report of one run. ``kept`` and ``published`` are details inside the four counts."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    kept: int = 0
    published: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    run_id: int | None = None

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, failed {self.failed}"

    @property
    def report(self) -> str:
        return "\n".join(line.text for line in self.lines)


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


# --- sources -----------------------------------------------------------------------


def _same_site(a: str, b: str) -> bool:
    def norm(url: str) -> tuple[str, str]:
        parts = urlsplit(url)
        return (parts.hostname or "").removeprefix("www."), parts.path.rstrip("/")

    return norm(a) == norm(b)


def _find_source(ref: importers.SourceRef) -> Source | None:
    """The outlet a record names: by name (in either script), else by its site's URL."""
    source = Source.objects.filter(name=ref.name).first()
    if source is None:
        source = Source.objects.filter(Q(name_hant=chinese.to_hant(ref.name)) | Q(name_hans=chinese.to_hans(ref.name))
                                       ).order_by("pk").first()
    if source is None and ref.url:
        host = (urlsplit(ref.url).hostname or "").removeprefix("www.")
        if host:
            for candidate in Source.objects.filter(homepage__icontains=host).order_by("pk"):
                if _same_site(candidate.homepage, ref.url):
                    return candidate
    return source


def _unique_slug(name: str) -> str:
    base = slugify(name, allow_unicode=True)[:190].strip("-") or "source"
    slug, number = base, 1
    while Source.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _source_for(ref: importers.SourceRef) -> Source:
    """Match the record's outlet, or create it without reprint permission (an editor must grant it)."""
    source = _find_source(ref)
    if source is not None:
        return source
    source = Source(name=ref.name, slug=_unique_slug(ref.name), homepage=ref.url,
                    reprint_permission=Source.Permission.NONE)
    source.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:  # another import created it a moment ago
        source = Source.objects.get(name=ref.name)
    return source


# --- one record --------------------------------------------------------------------


def _existing(record: importers.Record) -> Article | None:
    source = _find_source(record.source)
    if source is None:
        return None
    return Article.objects.filter(source=source, guid=record.key).first()


def _wants_publish(article: Article, publish: bool) -> bool:
    return publish and article.status == Article.Status.DRAFT and article.published_at is None


def _image_file(record: importers.Record, *, dry_run: bool) -> ContentFile | None:
    data, name = importers.image_bytes(record)
    file = ContentFile(data, name=name)
    if dry_run:
        images.validate_upload(file)  # validate only: a dry run stores no file
        return None
    return file


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


def _attach_image(article: Article, record: importers.Record, file: ContentFile | None, source: Source,
                  user: User) -> None:
    if file is None or record.image is None:
        return
    ref = record.image
    try:
        with transaction.atomic():
            image = image_create(
                file=file, alt_text=(ref.alt or record.title)[:300], credit=ref.credit, caption=ref.caption,
                ai_generated=ref.ai_generated, source=source, user=user,
            )
    except IntegrityError:
        # Another import stored the same picture a moment ago: use its row (one row per distinct file).
        digest = images.validate_upload(file).content_hash
        image = Image.objects.get(content_hash=digest)
    article.featured_image = image


def _merge_tags(article: Article, record: importers.Record, *, created: bool) -> None:
    if not record.tags:
        return
    if created:
        article_set_tags(article=article, names=list(record.tags))
        return
    # Updates add upstream's new tags and never remove one, so an editor's tags survive.
    current = list(article.tags.names())
    known = {name.casefold() for name in current}
    new = [tag for tag in record.tags if chinese.to_hant(tag).casefold() not in known]
    if new:
        article_set_tags(article=article, names=current + new)


def _apply(*, record: importers.Record, image_file: ContentFile | None, publish: bool, user: User) -> RecordResult:
    source = _source_for(record.source)
    original = _source_for(record.original_source) if record.original_source else None
    article = Article.objects.select_for_update().filter(source=source, guid=record.key).first()
    created = False
    if article is None:
        article = Article(status=Article.Status.DRAFT)
        _fill(article, record, source=source, original=original)
        _attach_image(article, record, image_file, source, user)
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
    elif _edited_since_import(article):
        return RecordResult(Outcome.KEPT, article.pk)
    else:
        _fill(article, record, source=source, original=original)
        if article.featured_image_id is None:
            _attach_image(article, record, image_file, source, user)
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


def article_import(*, record: importers.Record, publish: bool = False, dry_run: bool = False,
                   user: User = None) -> RecordResult:
    """Create or update the draft article for one upstream record, in one transaction.

    Raises ``ValidationError`` or ``importers.Invalid`` with the reason when the record cannot be
    imported; nothing of it is written then. ``dry_run`` does all the work and rolls it back.
    """
    existing = _existing(record)
    if existing is not None and not _wants_publish(existing, publish):
        if existing.import_checksum == record.checksum:
            return RecordResult(Outcome.UNCHANGED, existing.pk)  # the common re-import: no write at all
        if _edited_since_import(existing):
            return RecordResult(Outcome.KEPT, existing.pk)
    needs_image = record.image is not None and (existing is None or existing.featured_image_id is None)
    image_file = _image_file(record, dry_run=dry_run) if needs_image else None
    with transaction.atomic():
        result = _apply(record=record, image_file=image_file, publish=publish, user=user)
        if dry_run:
            transaction.set_rollback(True)
    return result


# --- a whole run -------------------------------------------------------------------


def articles_import(
    *,
    paths: Iterable[str | Path] = (),
    urls: Iterable[str] = (),
    publish: bool = False,
    dry_run: bool = False,
    user: User = None,
    progress: Callable[[int, int], None] | None = None,
    report: Callable[[ReportLine], None] | None = None,
) -> ImportResult:
    """Import every record in ``paths`` (files or folders) and ``urls``; return the counts and the report.

    Deliberately not one transaction: each record commits on its own (see ``article_import``), so a
    bad record costs only itself. A run that writes is recorded as an ``ImportRun``. ``progress`` is
    called with ``(done, total)`` (first with ``done=0``), ``report`` with each report line as it occurs.
    """
    paths, urls = [str(p) for p in paths], list(urls)
    run = None
    if not dry_run:
        run = ImportRun.objects.create(
            paths="\n".join([*paths, *urls]),
            user=user if getattr(user, "is_authenticated", False) else None,
        )
    result = ImportResult(run_id=run.pk if run else None)

    def note(kind: str, text: str) -> None:
        line = ReportLine(kind, text)
        result.lines.append(line)
        if report is not None:
            report(line)

    items = list(importers.iter_items(paths, urls))
    if progress is not None:
        progress(0, len(items))
    for done, item in enumerate(items, start=1):
        if isinstance(item, importers.Failure):
            result.failed += 1
            note("failed", str(item))
        else:
            _import_one(item, result, note, publish=publish, dry_run=dry_run, user=user)
        if progress is not None:
            progress(done, len(items))
    if run is not None:
        ImportRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), created=result.created, updated=result.updated,
            unchanged=result.unchanged, failed=result.failed, report=result.report,
        )
    return result


def _import_one(record: importers.Record, result: ImportResult, note: Callable[[str, str], None], *,
                publish: bool, dry_run: bool, user: User) -> None:
    try:
        outcome = article_import(record=record, publish=publish, dry_run=dry_run, user=user)
    except ValidationError as exc:
        reason = _reasons(exc)
    except importers.Invalid as exc:
        reason = str(exc)
    except DatabaseError as exc:
        reason = f"資料庫錯誤：{exc}"
    except Exception as exc:  # one hostile record must not stop the run
        logger.exception("import of %s failed", record.where)
        reason = f"未預期的錯誤：{type(exc).__name__}: {exc}"
    else:
        if outcome.outcome == Outcome.KEPT:
            result.unchanged += 1
            result.kept += 1
            note("kept", f"{record.where}: 上游已更新，但編輯已修改文章 #{outcome.article_id}，保留編輯的版本")
        else:
            setattr(result, outcome.outcome.value, getattr(result, outcome.outcome.value) + 1)
        if outcome.published:
            result.published += 1
        if outcome.not_published:
            note("unpublished", f"{record.where}: 文章 #{outcome.article_id} 未發布：{outcome.not_published}")
        return
    result.failed += 1
    note("failed", f"{record.where}: {reason}")
