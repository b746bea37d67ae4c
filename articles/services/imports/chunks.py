"""Many records, few transactions: a run's records are written in chunks, each record in a savepoint of its chunk's
transaction (``import_items``).

* A record is still all or nothing: its savepoint rolls back whole when it fails (``events.part``: what it recorded
  leaves the chunk's batch too; ``Lookups.forget_since``: so do the sources and tags it created), and the report
  names it as before. The others of the chunk land.
* A chunk commits after ``CHUNK_RECORDS`` records or about ``CHUNK_SECONDS``, whichever comes first: on SQLite a
  transaction holds the one write lock, and editors and share clicks wait for it.
* One commit per chunk means one ``committed`` batch per chunk: one render job and one related-lists job for the
  chunk's articles, not two jobs per record.
* Before the transaction opens: which records' articles exist already (a query per source, not per record), the
  records that need no write at all (unchanged upstream, an editor's edit kept) settled without one, and the pictures
  read and validated (at most ``CHUNK_PICTURES`` per chunk, so a chunk of pictures stays short and small).
* Inside it, a new article is checked in its record's savepoint and created with others of the chunk
  (``articles_create``, ``CREATE_TOGETHER`` at a time): its tags and first revision in the same few inserts.
* No two records of a chunk have the same key: a repeated record goes to the next chunk, which sees the first.
* Should a chunk fail as a whole (the database locked past its timeout, a commit refused, or another import having
  created one of its new articles meanwhile, which the unique index refuses), it rolls back and its records are
  imported again one transaction each (``article_import``), so a chunk's failure never costs a record that could land.
* A dry run imports each record on its own and rolls it back, as it always did.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from django.db import DatabaseError

from articles import events, images, importers
from articles.models import Article, Source
from articles.services.common import User
from articles.services.imports.article import (
    New,
    RecordResult,
    apply,
    article_import,
    bound_source,
    by_key,
    create_new,
    failed,
    needs_picture,
    picture_for,
    settled,
)
from articles.services.imports.lookups import Lookups
from articles.text import chinese

logger = logging.getLogger(__name__)

CHUNK_RECORDS = 100
# Records are taken while the transaction is younger than this; creating the last few and committing keep it within
# about a quarter of a second (on SQLite it holds the one write lock: editors and share clicks wait for it).
CHUNK_SECONDS = 0.2
CHUNK_PICTURES = 8
# New articles created together (one ``articles_create``): enough to make its inserts cheap, few enough that the
# clock between two such groups keeps the chunk's transaction short whatever the length of the articles. With
# --publish each is created and published on its own: publishing one costs as much as creating dozens.
CREATE_TOGETHER = 25


@dataclass
class _Entry:
    """One item of the run on its way through a chunk."""

    item: importers.Item
    bound: Source | None
    result: RecordResult | None = None
    looked: bool = False  # the article was looked for (``existing``) and the picture read
    existing: Article | None = None
    picture: images.Prepared | None = None
    picture_problem: str = ""


def _take(queue: deque[_Entry]) -> list[_Entry]:
    """The next chunk: up to CHUNK_RECORDS entries, CHUNK_PICTURES of them with a picture, no key twice."""
    chunk: list[_Entry] = []
    keys: set[str] = set()
    pictures = 0
    while queue and len(chunk) < CHUNK_RECORDS:
        item = queue[0].item
        if isinstance(item, importers.Record):
            if item.key in keys or (item.image is not None and pictures >= CHUNK_PICTURES):
                break
            keys.add(item.key)
            pictures += item.image is not None
        chunk.append(queue.popleft())
    return chunk


def _look(chunk: list[_Entry], lookups: Lookups, publish: bool) -> None:
    """Outside any transaction: the chunk's existing articles, the records that need no write, the pictures."""
    wanted: dict[int, list[_Entry]] = {}
    for entry in chunk:
        if entry.looked or entry.result is not None:
            continue
        try:
            source = bound_source(entry.item, entry.bound) or lookups.source_match(entry.item.source)
        except Exception as exc:  # noqa: BLE001 - a record claiming our own site, a feed without a binding...
            entry.result = failed(entry.item, exc)
            continue
        entry.looked = True
        if source is not None:
            wanted.setdefault(source.pk, []).append(entry)
    for source_id, entries in wanted.items():
        found = {article.guid: article for article in by_key(source_id, [entry.item.key for entry in entries])}
        for entry in entries:
            entry.existing = found.get(entry.item.key)
    for entry in chunk:
        if entry.result is None and entry.looked:
            entry.result = settled(entry.item, entry.existing, publish=publish)
        if entry.result is None and entry.looked and entry.picture is None and not entry.picture_problem \
                and needs_picture(entry.item, entry.existing):
            entry.picture, entry.picture_problem = picture_for(entry.item)


def _write(entry: _Entry, lookups: Lookups, new: list[New], *, publish: bool, user: User) -> RecordResult:
    """One record in a savepoint of the chunk's transaction; a failure rolls it back whole and is its result.
    A new article is only checked here and added to ``new``, to be created with the chunk's others."""
    mark, waiting = lookups.mark(), len(new)
    try:
        with events.part():
            return apply(record=entry.item, bound=entry.bound, picture=entry.picture, publish=publish, user=user,
                         lookups=lookups, absent=entry.existing is None, new=new)
    except Exception as exc:  # noqa: BLE001 - any failure costs this record only; ``failed`` says which
        lookups.forget_since(mark)
        del new[waiting:]
        return failed(entry.item, exc)


class _Redo(Exception):
    """Creating the chunk's new articles failed: the chunk rolls back and its records are imported one by one."""


def _on_its_own(entry: _Entry, *, publish: bool, dry_run: bool, user: User) -> RecordResult:
    """One record in a transaction of its own (``article_import``)."""
    try:
        return article_import(record=entry.item, source=entry.bound, publish=publish, dry_run=dry_run, user=user)
    except Exception as exc:  # noqa: BLE001 - see _write
        return failed(entry.item, exc)


def _create(new: list[New], creating: list[_Entry], *, publish: bool, user: User) -> None:
    """Create the new articles gathered so far (``create_new``), each entry's result then naming its article."""
    if not new:
        return
    try:
        created = create_new(new, publish=publish, user=user)
    except Exception as exc:
        raise _Redo from exc
    for entry, result in zip(creating, created, strict=True):
        entry.result = result
    new.clear()
    creating.clear()


def _transaction(todo: list[_Entry], lookups: Lookups, *, publish: bool, user: User) -> int:
    """Write ``todo`` in one transaction until it is done or CHUNK_SECONDS have passed; returns how many it wrote."""
    started = time.monotonic()
    new: list[New] = []
    creating: list[_Entry] = []
    together = 1 if publish else CREATE_TOGETHER
    done = 0
    with events.atomic():
        while done < len(todo) and (done == 0 or time.monotonic() - started < CHUNK_SECONDS):
            entry = todo[done]
            waiting = len(new)
            entry.result = _write(entry, lookups, new, publish=publish, user=user)
            if len(new) > waiting:
                creating.append(entry)
            if len(new) >= together:  # the clock above then counts the work of creating them too
                _create(new, creating, publish=publish, user=user)
            done += 1
        _create(new, creating, publish=publish, user=user)
    return done


def _chunk(chunk: list[_Entry], *, publish: bool, user: User) -> list[_Entry]:
    """Import ``chunk``, what needs writing in one transaction; returns the entries left for the next one (its time
    ran out)."""
    todo = [entry for entry in chunk if entry.result is None]
    try:
        _look(chunk, Lookups(), publish)
        todo = [entry for entry in chunk if entry.result is None]
        if not todo:
            return []
        # The sources the records write to are read again for the transaction: the reprint gate (--publish) judges
        # a source as it is when the article is written.
        lookups = Lookups()
        with chinese.one_glossary():  # one read of the glossary for the chunk's tag names and articles
            lookups.preload_tags(name for entry in todo for name in entry.item.tags)
            done = _transaction(todo, lookups, publish=publish, user=user)
    except (DatabaseError, _Redo):
        logger.warning("import chunk of %d records failed as a whole; importing them one by one", len(todo),
                       exc_info=True)
        for entry in todo:
            entry.result = _on_its_own(entry, publish=publish, dry_run=False, user=user)
        done = len(todo)
    for entry in todo[:done]:
        if entry.picture_problem:
            entry.result = replace(entry.result, picture_problem=entry.picture_problem)
    for entry in todo[done:]:
        entry.result = None
    return todo[done:]


def import_items(items: Iterable[tuple[importers.Item, Source | None]], *, publish: bool, dry_run: bool,
                 user: User) -> Iterator[tuple[importers.Item, RecordResult | None]]:
    """Import ``items`` (each with the source its document is bound to), yielding each item with its result in order,
    a chunk at a time once it has committed. A ``Failure`` (a record the reader could not use) yields None."""
    queue = deque(_Entry(item, bound) for item, bound in items)
    while queue:
        chunk = _take(queue)
        if dry_run:
            for entry in chunk:
                if isinstance(entry.item, importers.Record):
                    entry.result = _on_its_own(entry, publish=publish, dry_run=True, user=user)
        elif any(isinstance(entry.item, importers.Record) for entry in chunk):
            records = [entry for entry in chunk if isinstance(entry.item, importers.Record)]
            rest = _chunk(records, publish=publish, user=user)
            if rest:
                kept = set(map(id, rest))
                cut = next(index for index, entry in enumerate(chunk) if id(entry) in kept)
                queue.extendleft(reversed(chunk[cut:]))
                chunk = chunk[:cut]
        for entry in chunk:
            yield entry.item, entry.result
