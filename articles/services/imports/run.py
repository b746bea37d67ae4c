"""A whole import run (``articles_import``): every document, its records written in chunks (``chunks``), one report.

Each document is bound to a source first: the operator's ``source`` (``--source``), else the source
subscribed to the URL it was fetched from (``Source.feed_url``). A feed without a binding fails as a whole
file — its channel title is never trusted to pick a source; JSON records without one go to the outlet their
``source`` URL identifies (``sources``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from articles import importers
from articles.models import ImportRun, Source
from articles.services.common import User
from articles.services.imports.article import Outcome, RecordResult, unbound_feed_reason
from articles.services.imports.chunks import import_items


@dataclass(frozen=True)
class ReportLine:
    """One line of the report: ``kind`` is "failed", "kept", "pending", "unpublished" or "picture" (the article
    was imported without its picture)."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ImportResult:
    """Counts and report of one run. ``kept``, ``pending`` and ``published`` are details inside the four counts."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    kept: int = 0
    pending: int = 0
    published: int = 0
    lines: list[ReportLine] = field(default_factory=list)
    run_id: int | None = None

    @property
    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}, failed {self.failed}"

    @property
    def report(self) -> str:
        return "\n".join(line.text for line in self.lines)


def _subscription(url: str) -> Source | None:
    """The source an editor subscribed to this feed URL (its "RSS/Atom 網址")."""
    return Source.objects.filter(feed_url=url).order_by("pk").first() if url else None


def _bound_items(documents: Iterable[importers.Document], source: Source | None,
                 ) -> list[tuple[importers.Item, Source | None]]:
    """Every record with the source its document is bound to; an unbound feed becomes one failure."""
    items: list[tuple[importers.Item, Source | None]] = []
    for document in documents:
        binding = source or _subscription(document.url)
        unbound = [item for item in document.items
                   if isinstance(item, importers.Record) and item.needs_binding and binding is None]
        if unbound:
            items.append((importers.Failure(document.origin, "file", unbound_feed_reason(unbound[0])), None))
        else:
            items.extend((item, binding) for item in document.items)
    return items


def articles_import(
    *,
    paths: Iterable[str | Path] = (),
    urls: Iterable[str] = (),
    source: Source | None = None,
    publish: bool = False,
    dry_run: bool = False,
    user: User = None,
    progress: Callable[[int, int], None] | None = None,
    report: Callable[[ReportLine], None] | None = None,
) -> ImportResult:
    """Import every record in ``paths`` (files or folders) and ``urls``; return the counts and the report.

    ``source``: every record goes to this source (the operator's ``--source``). Deliberately not one
    transaction: records commit a chunk at a time, each all or nothing within its chunk (see ``chunks``), so a
    bad record costs only itself. A run that writes is recorded as an ``ImportRun``. ``progress`` is called with
    ``(done, total)`` (first with ``done=0``), ``report`` with each report line as its chunk commits.
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

    items = _bound_items(importers.iter_documents(paths, urls), source)
    if progress is not None:
        progress(0, len(items))
    done = 0
    for item, outcome in import_items(items, publish=publish, dry_run=dry_run, user=user):
        if outcome is None:  # a record (or a file) the reader could not use
            result.failed += 1
            note("failed", str(item))
        else:
            _count(item, outcome, result, note)
        done += 1
        if progress is not None:
            progress(done, len(items))
    if run is not None:
        ImportRun.objects.filter(pk=run.pk).update(
            finished_at=timezone.now(), created=result.created, updated=result.updated,
            unchanged=result.unchanged, failed=result.failed, report=result.report,
        )
    return result


def _count(record: importers.Record, outcome: RecordResult, result: ImportResult,
           note: Callable[[str, str], None]) -> None:
    if outcome.outcome == Outcome.FAILED:
        result.failed += 1
        note("failed", f"{record.where}: {outcome.reason}")
        return
    if outcome.outcome == Outcome.KEPT:
        result.unchanged += 1
        result.kept += 1
        note("kept", f"{record.where}: 上游已更新，但編輯已修改文章 #{outcome.article_id}，保留編輯的版本")
    elif outcome.outcome == Outcome.PENDING:
        result.updated += 1
        result.pending += 1
        note("pending", f"{record.where}: 上游已更新，文章 #{outcome.article_id} 已不是草稿，內容維持不變；"
                        "上游的版本存為待審版本，請編輯在後台比較後決定是否採用")
    else:
        setattr(result, outcome.outcome.value, getattr(result, outcome.outcome.value) + 1)
    if outcome.picture_problem:
        note("picture", f"{record.where}: 圖片未匯入：{outcome.picture_problem}"
                        f"（文章 #{outcome.article_id} 已匯入，沒有主圖）")
    if outcome.published:
        result.published += 1
    if outcome.not_published:
        note("unpublished", f"{record.where}: 文章 #{outcome.article_id} 未發布：{outcome.not_published}")
