"""What changed, said once by the code that changed it; what follows is up to the subscribers.

A write (a service, an admin delete, a cascade) calls ``record(articles=…, tags=…, sources=…, images=…, related=…)``
inside its transaction. Two signals carry it, and this module imports none of their receivers (they are connected
in ``AppConfig.ready``, so the dependency points from the subscribers to here, never back):

* ``in_transaction`` — sent at once, inside the writer's transaction: what must commit or roll back with the write
  (marking the stored pages that show it as outdated) subscribes here. A receiver may return a ``Changed`` of what
  it found to follow from the change (``pages``: the articles whose pages it outdated); that is merged into what
  ``committed`` carries;
* ``committed`` — sent once per transaction after it commits, with everything the transaction recorded merged into
  one ``Changed``: dropping cached pages, queueing renders and related-list refreshes subscribe here. A write that
  rolls back sends nothing.

A transaction of many independent writes (an import's chunk of records) is opened with ``atomic()`` and wraps each
write in ``part()``, a savepoint: ``in_transaction`` is then sent once for all of them as the block ends (still inside
the transaction), ``committed`` once after it commits, and a part that rolls back takes what it recorded out of both.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields

from django.db import transaction
from django.dispatch import Signal

in_transaction = Signal()
committed = Signal()


@dataclass(frozen=True)
class Changed:
    """Ids of what changed, by kind. ``related``: articles whose related list changed (not the articles in it).
    ``pages``: articles whose page shows something that changed, as found inside the transaction by the subscriber
    that outdated their stored pages (``articles.caching.freshness``)."""

    articles: frozenset[int] = field(default_factory=frozenset)
    tags: frozenset[int] = field(default_factory=frozenset)
    sources: frozenset[int] = field(default_factory=frozenset)
    images: frozenset[int] = field(default_factory=frozenset)
    related: frozenset[int] = field(default_factory=frozenset)
    pages: frozenset[int] = field(default_factory=frozenset)

    def __or__(self, other: Changed) -> Changed:
        return Changed(**{f.name: getattr(self, f.name) | getattr(other, f.name) for f in fields(self)})

    def __bool__(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


class _Batch:
    """What one transaction has recorded so far; sent when it commits."""

    def __init__(self, savepoints: frozenset) -> None:
        self.change = Changed()
        self.sent = False
        self.savepoints = savepoints  # open when it was started: it belongs to the block they delimit
        self.deferred: Changed | None = None  # inside atomic(): recorded, not yet sent to in_transaction

    def send(self) -> None:
        self.sent = True
        if self.change:  # an atomic() block may have recorded nothing
            committed.send(sender=Changed, change=self.change)


def _open_batch(using: str | None) -> _Batch | None:
    """The batch of the transaction in progress, or None outside one (autocommit: the write has committed)."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block:
        return None
    batch = getattr(connection, "_newsroom_batch", None)
    # A batch belongs to the transaction whose commit hooks still hold its send(); after a commit or rollback the
    # hooks are gone and the next transaction starts a batch of its own. (Inside an outer block that never commits,
    # as in tests, each savepoint-delimited write gets its own.)
    if (batch is None or batch.sent or not batch.savepoints <= set(connection.savepoint_ids)
            or not any(hook == batch.send for _sids, hook, _robust in connection.run_on_commit)):
        batch = _Batch(frozenset(connection.savepoint_ids))
        connection._newsroom_batch = batch
        transaction.on_commit(batch.send, using=using)
    return batch


def _send_in_transaction(change: Changed) -> Changed:
    """Send ``in_transaction``; return ``change`` with what its receivers found to follow from it (``pages``)."""
    for _receiver, found in in_transaction.send(sender=Changed, change=change):
        if isinstance(found, Changed):
            change = change | found
    return change


def record(*, articles: Iterable[int] = (), tags: Iterable[int] = (), sources: Iterable[int] = (),
           images: Iterable[int] = (), related: Iterable[int] = (), using: str | None = None) -> None:
    """Say what this write changed; call it inside the write's transaction."""
    change = Changed(frozenset(articles), frozenset(tags), frozenset(sources), frozenset(images), frozenset(related))
    if not change:
        return
    batch = _open_batch(using)
    if batch is not None and batch.deferred is not None:
        batch.deferred = batch.deferred | change
    else:
        change = _send_in_transaction(change)
    if batch is None:
        committed.send(sender=Changed, change=change)
    else:
        batch.change = batch.change | change


@contextlib.contextmanager
def atomic(using: str | None = None) -> Iterator[None]:
    """``transaction.atomic`` for many independent writes, each in a ``part()``: one ``in_transaction`` for them all,
    sent as the block ends (inside the transaction, so it commits or rolls back with the writes), and one
    ``committed`` after the commit.

    Subscribers to ``in_transaction`` read the data to find what a change touches; at the end of the block they read
    it with every part's writes in place, which finds at least what each write would have found on its own.
    """
    with transaction.atomic(using=using):
        batch = _open_batch(using)
        if batch.deferred is not None:  # already inside one: it sends for both
            yield
            return
        batch.deferred = Changed()
        try:
            yield
            if batch.deferred:
                batch.change = batch.change | _send_in_transaction(batch.deferred)
        finally:
            batch.deferred = None


@contextlib.contextmanager
def part(using: str | None = None) -> Iterator[None]:
    """One write of an ``atomic()`` block, in a savepoint: when it rolls back, what it recorded leaves the block's
    batch with it (nothing of it is sent to ``in_transaction`` or ``committed``).

    Changes recorded in a savepoint nested inside the part that rolled back while the part went on stay in the
    batch: at worst a page is rendered or a list refreshed once more than needed, never once too few.
    """
    batch = _open_batch(using)
    if batch is None or batch.deferred is None:
        raise transaction.TransactionManagementError("events.part() is for use inside events.atomic().")
    before = (batch.change, batch.deferred)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        batch.change, batch.deferred = before
        raise
