"""What a search worker keeps of the catalog in memory, and how it stays current.

- The columns every search filters, counts and sorts by (columns.py), read whole once, then
  only the rows changed since: every catalog change bumps the catalog revision (revision.py) and
  stamps the rows it writes with it. A worker asks for the revision at most every POLL_S (at
  once after a change it made itself), and reads the rows stamped after the one it holds.
- Each query word's hits, as the database's text index answers them (a GIN or FTS5 scan), kept
  as sorted ordinals with the index's rank of each. Listing a broad word costs the database a
  read of the whole table (~350 ms on 1,000,000 SKUs), every time; kept, the next query with that
  word costs an array intersection. A word's hits are checked again, for the SKUs changed since
  they were listed only, when next used.

What is never kept: stock. Availability and `in_stock` are read from the database per search.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from central.catalog import columns as columns_
from central.catalog.columns import Columns
from central.catalog.reads import Reader

POLL_S = 0.5  # how long another process's catalog change may take to show in this one's searches
# Word hits kept, at most: 8 bytes each (ordinal and rank), so ~160 MB a worker. The bench's
# queries on 1,000,000 SKUs keep ~12,000,000 (~200 words).
MAX_WORD_IDS = 20_000_000
# ... and words kept, at most: most words typed match few SKUs or none (a flood of made-up words
# must not grow the worker without bound).
MAX_WORDS = 100_000
# Changed SKUs a kept word is checked against, at most; past it the word's hits are listed again.
MAX_RECHECK = 20_000
MAX_LISTING_LOCKS = 10_000


@dataclass(frozen=True)
class WordHits:
    revision: int  # the catalog revision the hits reflect
    ordinals: np.ndarray  # sorted
    ranks: np.ndarray  # the index's rank of each hit for this word

    def without(self, ordinals: np.ndarray) -> WordHits:
        keep = ~np.isin(self.ordinals, ordinals, assume_unique=True)
        return WordHits(self.revision, self.ordinals[keep], self.ranks[keep])

    def joined(self, other: WordHits, revision: int) -> WordHits:
        ordinals = np.concatenate([self.ordinals, other.ordinals])
        order = np.argsort(ordinals, kind="stable")
        return WordHits(revision, ordinals[order], np.concatenate([self.ranks, other.ranks])[order])


def word_hits(columns: Columns, rows: Sequence[tuple[str, float]], revision: int) -> WordHits:
    """(sku, rank) rows as WordHits, leaving out SKUs the snapshot does not know yet."""
    ordinal, size = columns.ordinal, columns.size
    pairs = [(o, rank) for sku, rank in rows if (o := ordinal.get(sku, size)) < size]
    ordinals = np.fromiter((o for o, _ in pairs), dtype=np.int32, count=len(pairs))
    ranks = np.fromiter((r for _, r in pairs), dtype=np.float32, count=len(pairs))
    order = np.argsort(ordinals, kind="stable")
    return WordHits(revision, ordinals[order], ranks[order])


class CatalogMemory:
    def __init__(self, poll_s: float = POLL_S, max_word_ids: int = MAX_WORD_IDS,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._poll_s, self._max_ids, self._monotonic = poll_s, max_word_ids, monotonic
        self._lock = threading.Lock()
        self._columns: Columns | None = None
        self._revision = -1
        self._checked = float("-inf")
        self._changes: list[tuple[int, np.ndarray]] = []  # (revision, ordinals it changed), oldest first
        self._words: OrderedDict[Hashable, WordHits] = OrderedDict()
        self._word_ids = 0
        self._listing: dict[Hashable, threading.Lock] = {}
        self.word_fills = 0  # how many times a word's hits were listed by the index (tests, stats)

    def changed_here(self) -> None:
        """This process changed the catalog: the next search reads the change."""
        self._checked = float("-inf")

    def columns(self, reader: Reader) -> Columns:
        """The current snapshot, after reading what changed since the last one if it is due."""
        with self._lock:
            if self._columns is None or self._monotonic() - self._checked >= self._poll_s:
                self._catch_up(reader)
            assert self._columns is not None
            return self._columns

    def hits(self, reader: Reader, key: Hashable) -> WordHits:
        """The SKUs matching one word (its index key), as of the latest snapshot (a search
        holding an older one drops the ordinals past its size)."""
        kept, changes, _, _ = self._lookup(key)
        if kept is not None and changes is not None and not len(changes):
            return kept  # the common case: no listing lock, no database
        with self._listing_lock(key):
            kept, changes, latest, revision = self._lookup(key)  # another thread may have listed it
            if kept is not None and changes is not None and not len(changes):
                return kept
            if kept is not None and changes is not None:
                again = word_hits(latest, reader.word_skus(key, [latest.skus[o] for o in changes]), revision)
                found = kept.without(changes).joined(again, revision)
            else:
                self.word_fills += 1
                found = word_hits(latest, reader.word_skus(key, None), revision)
            self._keep(key, found)
        return found

    def _lookup(self, key: Hashable) -> tuple[WordHits | None, np.ndarray | None, Columns, int]:
        """(kept hits or None, ordinals changed since they were listed or None if too many, the
        latest snapshot, its revision)."""
        with self._lock:
            assert self._columns is not None, "columns() first"
            kept = self._word(key)
            changes = None if kept is None else self._changes_since(kept.revision)
            return kept, changes, self._columns, self._revision

    # ------------------------------------------------------------ catching up

    def _catch_up(self, reader: Reader) -> None:
        revision = reader.revision()
        self._checked = self._monotonic()
        if self._columns is not None and revision == self._revision:
            return
        # The tree anew (a moved category changes what a filter takes), then the changed rows.
        columns = replace(self._columns or columns_.empty({}), paths=reader.category_paths())
        batches = [np.empty(0, dtype=np.int64)]
        for rows in reader.rows_since(None if self._columns is None else self._revision):
            columns, changed = columns.changed(rows, columns.paths)
            batches.append(changed)
        self._columns, touched = columns, np.unique(np.concatenate(batches))
        if len(touched) > MAX_RECHECK:  # every kept word would be listed again: forget them now
            self._changes.clear()
            self._words.clear()
            self._word_ids = 0
        elif len(touched):
            self._changes.append((revision, touched))
        self._revision = revision

    def _changes_since(self, revision: int) -> np.ndarray | None:
        """Ordinals changed after `revision`; None when more than a recheck is worth."""
        later = [touched for rev, touched in self._changes if rev > revision]
        if sum(len(t) for t in later) > MAX_RECHECK:
            return None
        return np.unique(np.concatenate(later)) if later else np.empty(0, dtype=np.int64)

    # ------------------------------------------------------------ the kept words

    def _word(self, key: Hashable) -> WordHits | None:
        kept = self._words.get(key)
        if kept is not None:
            self._words.move_to_end(key)
        return kept

    def _keep(self, key: Hashable, hits: WordHits) -> None:
        with self._lock:
            if hits.revision < self._revision and self._changes_since(hits.revision) is None:
                return  # listed against a catalog since changed past rechecking
            old = self._words.pop(key, None)
            self._word_ids += len(hits.ordinals) - (len(old.ordinals) if old is not None else 0)
            self._words[key] = hits
            while (self._word_ids > self._max_ids or len(self._words) > MAX_WORDS) and len(self._words) > 1:
                _, dropped = self._words.popitem(last=False)
                self._word_ids -= len(dropped.ordinals)
            self._trim_changes()

    def _trim_changes(self) -> None:
        """Forget changes every kept word has caught up with."""
        if not self._changes:
            return
        oldest = min((w.revision for w in self._words.values()), default=self._revision)
        self._changes = [(rev, touched) for rev, touched in self._changes if rev > oldest]

    def _listing_lock(self, key: Hashable) -> threading.Lock:
        """One listing of a word at a time: a burst of searches for a new word lists it once."""
        with self._lock:
            if len(self._listing) > MAX_LISTING_LOCKS:
                self._listing.clear()  # at worst a word being listed now is listed twice
            return self._listing.setdefault(key, threading.Lock())

