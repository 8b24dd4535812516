"""Facet counts per query, and the order of the pages asked for, kept a few seconds by each worker.

Facets, the total and the order of hits depend on the catalog's texts, prices and the filters, not
on stock (a query with `in_stock` is never cached), and popular queries repeat many times a second.
A page's order is kept as its SKUs: what they show (names, prices, availability) is read each time.
A catalog change made through this process (SKU or category upsert) drops every entry at once;
one made by another worker or a `seed` shows here within TTL_S. Entries carry the generation they were computed in, so a
search that read the catalog before an upsert cannot store its stale counts after it.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

TTL_S = 5.0
MAX_ENTRIES = 2_000  # a broad query's buckets are a few kB: a bound of ~10 MB a worker


@dataclass(frozen=True)
class Facets:
    total: int
    categories: dict[str, int]
    brands: dict[str, int]
    price_bands: dict[int, int]
    near: bool  # the words matched nothing: these counts are of the similar names
    exact: bool = True  # False: the total and counts are estimated (search.py: broad queries)


class FacetCache:
    def __init__(self, ttl: float = TTL_S, max_entries: int = MAX_ENTRIES,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._max, self._monotonic = ttl, max_entries, monotonic
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, int, Facets]] = OrderedDict()
        self._pages: dict[Hashable, dict[Hashable, tuple[str, ...]]] = {}  # by entry key, then page
        self._generation = 0
        self.hits = self.misses = 0

    @property
    def generation(self) -> int:
        """Read before the database, passed back to put()."""
        return self._generation

    def get(self, key: Hashable) -> Facets | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or self._monotonic() - entry[0] > self._ttl or entry[1] != self._generation:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[2]

    def put(self, key: Hashable, facets: Facets, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return  # the catalog changed while these were counted
            self._entries[key] = (self._monotonic(), generation, facets)
            self._pages[key] = {}
            self._entries.move_to_end(key)
            while len(self._entries) > self._max:
                old, _ = self._entries.popitem(last=False)
                self._pages.pop(old, None)

    def page(self, key: Hashable, page: Hashable) -> tuple[str, ...] | None:
        """A page's SKUs in order, while the entry's facets are fresh (get() said so)."""
        with self._lock:
            return self._pages.get(key, {}).get(page)

    def put_page(self, key: Hashable, page: Hashable, skus: tuple[str, ...], generation: int) -> None:
        with self._lock:
            if generation == self._generation and key in self._pages:
                self._pages[key][page] = skus

    def invalidate(self) -> None:
        with self._lock:
            self._generation += 1
            self._entries.clear()
            self._pages.clear()
