"""What the records of one chunk ask the database again and again, asked once: sources by outlet, tags by name.

One ``Lookups`` serves one chunk (one transaction, a fraction of a second), so nothing in it outlives the transaction
it was read in: an editor's change to a source (its permission, its site) is seen by the next chunk. Rows created
inside a record's savepoint are noted in a journal; when that record rolls back, ``forget_since`` drops them again,
so a later record never points at a row that no longer exists.
"""

from __future__ import annotations

from collections.abc import Iterable

from articles import importers
from articles.models import Source, Tag
from articles.services.imports.sources import source_for_import, source_match
from articles.services.tags import tag_canonical_name, tags_for_names

_UNKNOWN = object()


class Lookups:
    """Sources by the outlet a record names, tags by canonical name; see the module docstring."""

    def __init__(self) -> None:
        self._sources: dict[importers.SourceRef, Source | None] = {}
        self._tags: dict[str, Tag] = {}
        self._journal: list[tuple[dict, object]] = []

    # --- the journal ---------------------------------------------------------------------------------------------

    def mark(self) -> int:
        """A point to go back to (``forget_since``) should what follows roll back."""
        return len(self._journal)

    def forget_since(self, mark: int) -> None:
        """Drop what was learnt since ``mark``: it was written in a savepoint that rolled back."""
        while len(self._journal) > mark:
            table, key = self._journal.pop()
            table.pop(key, None)

    def _learn(self, table: dict, key, value) -> None:
        table[key] = value
        self._journal.append((table, key))

    # --- sources -------------------------------------------------------------------------------------------------

    def source_match(self, ref: importers.SourceRef) -> Source | None:
        """``sources.source_match``, asked once per outlet."""
        found = self._sources.get(ref, _UNKNOWN)
        if found is _UNKNOWN:
            found = source_match(ref)
            self._sources[ref] = found
        return found

    def source_for_import(self, ref: importers.SourceRef) -> Source:
        """``sources.source_for_import``, asked once per outlet; a source it creates is journaled."""
        found = self.source_match(ref)
        if found is None:
            found = source_for_import(ref)
            self._learn(self._sources, ref, found)
        return found

    # --- tags ----------------------------------------------------------------------------------------------------

    def preload_tags(self, names: Iterable[str]) -> None:
        """Read the stored tags among ``names`` in one query (nothing is created)."""
        wanted = {tag_canonical_name(name) for name in names} - self._tags.keys() - {""}
        if wanted:
            self._tags.update((tag.name, tag) for tag in Tag.objects.filter(name__in=wanted))

    def tags(self, names: Iterable[str]) -> list[Tag]:
        """The canonical tags for ``names``, in order and each once (``tags_for_names``); new ones journaled."""
        canonical = list(dict.fromkeys(filter(None, map(tag_canonical_name, names))))
        missing = [name for name in canonical if name not in self._tags]
        if missing:  # new, or stored in another case: rare after a run's first records
            for name, tag in tags_for_names(names=missing).items():
                self._learn(self._tags, name, tag)
        return list(dict.fromkeys(self._tags[name] for name in canonical))
