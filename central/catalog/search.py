"""Search: the words' hits from the database's text index (each word's kept by memory.py), then
filters, facet counts and order over the catalog's columns in memory, then one page of rows, with
their live availability, from the database.

Relevance is the sum, over the query's words, of the index's rank of the hit for that word, and
a hit named exactly as the query comes first. Totals and facet counts are exact, with one
exception: with `in_stock`, past STOCK_SAMPLE hits they are estimated from that many hits whose
stock is read (`exact` false says so); the page itself is made of hits read to be in stock.
Ties in every order are broken in a fixed order of SKUs (a hash of their ids), so every
worker pages alike.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from functools import reduce

import numpy as np

from central.catalog.columns import Columns
from central.catalog.memory import CatalogMemory, WordHits
from central.catalog.query import PRICE_BAND_EDGES, SearchQuery, Sort
from central.catalog.reads import Hit, Reader

STOCK_SAMPLE = 300
NEAR_LIMIT = 1_000  # similar names offered for a typo, at most
EXACT_NAME = 1e6  # added to the relevance of a hit named exactly as the query: above any sum of ranks


@dataclass(frozen=True)
class Facets:
    total: int
    categories: dict[str, int]
    brands: dict[str, int]
    price_bands: dict[int, int]
    near: bool  # the words matched nothing: these counts are of the similar names
    exact: bool = True  # False: the total and counts are estimated (in stock, many hits)


@dataclass
class Found:
    facets: Facets
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class Matched:
    """A query's hits (sorted ordinals) with their relevance, before or after filters."""

    hits: np.ndarray
    relevance: np.ndarray
    near: bool = False  # the words found nothing: these are similar names (a typo?)
    capped: bool = False  # ... and there were more than NEAR_LIMIT of them

    def only(self, keep: np.ndarray) -> Matched:
        return Matched(self.hits[keep], self.relevance[keep], self.near, self.capped)


def find(memory: CatalogMemory, reader: Reader, query: SearchQuery) -> Found:
    """The page and its counts. A page whose rows, read now, differ from this worker's snapshot
    (changed through another worker since its last poll) is searched again on a fresh one; if
    the catalog moved again meanwhile, a price-ordered page is put in its rows' order."""
    columns, found = _found(memory, reader, query)
    if _current(columns, found.hits):
        return found
    memory.changed_here()
    columns, found = _found(memory, reader, query)
    if query.order in (Sort.price_asc, Sort.price_desc):
        found.hits.sort(key=lambda hit: hit.price_minor, reverse=query.order is Sort.price_desc)
    return found


def _current(columns: Columns, hits: Sequence[Hit]) -> bool:
    """Whether the rows agree with the snapshot on what search filters and sorts by."""
    brands, categories = columns.brands.values, [None, *columns.categories.values]
    for hit in hits:
        o = columns.ordinal[hit.sku]
        if (hit.price_minor != columns.price[o] or hit.brand != brands[columns.brand[o]]
                or hit.category_id != categories[columns.category[o]]):
            return False
    return True


def _found(memory: CatalogMemory, reader: Reader, query: SearchQuery) -> tuple[Columns, Found]:
    columns = memory.columns(reader)
    return columns, _search(memory, reader, columns, query)


def _search(memory: CatalogMemory, reader: Reader, columns: Columns, query: SearchQuery) -> Found:
    matched = _matched(memory, reader, columns, query)
    matched = matched.only(kept(columns, query, matched.hits))
    if query.in_stock and len(matched.hits) > STOCK_SAMPLE:
        return _estimated_in_stock(reader, columns, query, matched)
    if query.in_stock:
        matched = matched.only(_stocked(reader, columns, matched.hits))
    page = _ordered(columns, query, matched, query.offset + query.page_size)[query.offset:]
    facets = facets_of(columns, matched.hits, near=matched.near, exact=not matched.capped)
    return Found(facets, _rows(reader, columns, page))


def _estimated_in_stock(reader: Reader, columns: Columns, query: SearchQuery, matched: Matched) -> Found:
    """Counts from a sample of the hits whose stock is read; the page read to be in stock."""
    hits = matched.hits
    sample = np.sort(hits[np.argpartition(columns.spread[hits], STOCK_SAMPLE)[:STOCK_SAMPLE]])
    stocked = sample[_stocked(reader, columns, sample)]
    facets = facets_of(columns, stocked, scale=len(hits) / len(sample), near=matched.near, exact=False)
    return Found(facets, _rows(reader, columns, _stocked_page(reader, columns, query, matched)))


def _matched(memory: CatalogMemory, reader: Reader, columns: Columns, query: SearchQuery) -> Matched:
    if not query.words:
        every = np.arange(columns.size, dtype=np.int64)
        return Matched(every, np.zeros(columns.size, dtype=np.float32))
    keys = tuple(dict.fromkeys(k for k in map(reader.word_key, query.words) if k is not None))
    words = sorted((memory.hits(reader, key) for key in keys), key=lambda w: len(w.ordinals))
    hits, relevance = reduce(_both, words[1:], (words[0].ordinals, words[0].ranks)) if words else (_NONE, _NO_RANK)
    hits = hits.astype(np.int64)  # kept as int32; ordinals meet int64 arrays from here on
    within = np.searchsorted(hits, columns.size)  # SKUs newer than this search's snapshot: left out
    matched = Matched(hits[:within], relevance[:within].astype(np.float64))
    if len(matched.hits):
        return _named_first(reader, columns, query, matched)
    if not reader.index.allows_near(query):
        return matched
    near = {columns.ordinal[sku]: rank for sku, rank in reader.near(query, NEAR_LIMIT)
            if columns.ordinal.get(sku, columns.size) < columns.size}
    ordinals = np.asarray(sorted(near), dtype=np.int64)
    return Matched(ordinals, np.asarray([near[o] for o in ordinals.tolist()], dtype=np.float64), near=True,
                   capped=len(near) >= NEAR_LIMIT)


_NONE = np.empty(0, dtype=np.int64)
_NO_RANK = np.empty(0, dtype=np.float32)


def _both(found: tuple[np.ndarray, np.ndarray], word: WordHits) -> tuple[np.ndarray, np.ndarray]:
    """The hits that match `word` too, their relevance summed (both lists sorted)."""
    hits, relevance = found
    if not len(word.ordinals):
        return _NONE, _NO_RANK
    at = np.minimum(np.searchsorted(word.ordinals, hits), len(word.ordinals) - 1)
    both = word.ordinals[at] == hits
    return hits[both], relevance[both] + word.ranks[at[both]]


def _named_first(reader: Reader, columns: Columns, query: SearchQuery, matched: Matched) -> Matched:
    named = np.asarray([columns.ordinal[sku] for sku in reader.named(query.exact_name)
                        if columns.ordinal.get(sku, columns.size) < columns.size], dtype=np.int64)
    if not len(named):
        return matched
    at = np.searchsorted(matched.hits, named)
    found = at[(at < len(matched.hits)) & (matched.hits[np.minimum(at, len(matched.hits) - 1)] == named)]
    relevance = matched.relevance.copy()
    relevance[found] += EXACT_NAME
    return Matched(matched.hits, relevance)


def kept(columns: Columns, query: SearchQuery, hits: np.ndarray) -> np.ndarray:
    """A mask over `hits`: those every filter of the query keeps."""
    keep = np.ones(len(hits), dtype=bool)
    if query.category is not None:
        keep &= columns.subtree(query.category)[columns.category[hits]]
    if query.brand is not None:
        code = columns.brands.code.get(query.brand)
        keep &= False if code is None else columns.brand[hits] == code
    if query.price_min is not None:
        keep &= columns.price[hits] >= query.price_min
    if query.price_max is not None:
        keep &= columns.price[hits] <= query.price_max
    return keep


def facets_of(columns: Columns, hits: np.ndarray, scale: float = 1.0, near: bool = False,
              exact: bool = True) -> Facets:
    def counted(values: np.ndarray, names: Sequence[Hashable]) -> dict:
        return {names[i]: _scaled(int(n), scale) for i, n in enumerate(np.bincount(values)) if n}

    categories = counted(columns.category[hits], [None, *columns.categories.values])  # 0: no category
    return Facets(total=_scaled(len(hits), scale) if len(hits) else 0,
                  categories={c: n for c, n in categories.items() if c is not None},
                  brands=counted(columns.brand[hits], columns.brands.values),
                  price_bands=counted(columns.band[hits], range(len(PRICE_BAND_EDGES) + 1)), near=near, exact=exact)


def _scaled(n: int, scale: float) -> int:
    return n if scale == 1.0 else max(1, round(n * scale))


def _stocked(reader: Reader, columns: Columns, hits: np.ndarray) -> np.ndarray:
    """A mask over `hits`: which are in stock now."""
    held = reader.in_stock([columns.skus[o] for o in hits])
    return np.fromiter((columns.skus[o] in held for o in hits), dtype=bool, count=len(hits))


def _stocked_page(reader: Reader, columns: Columns, query: SearchQuery, matched: Matched) -> np.ndarray:
    """The page of in-stock hits, reading stock for hits in the page's order, a batch at a time."""
    wanted = query.offset + query.page_size
    taken, found = 0, []
    while len(found) < wanted and taken < len(matched.hits):
        batch = _ordered(columns, query, matched, max(2 * wanted, 2 * taken))[taken:]
        taken += len(batch)
        found.extend(batch[_stocked(reader, columns, batch)].tolist())
    return np.asarray(found[query.offset:wanted], dtype=np.int64)


def _rows(reader: Reader, columns: Columns, page: np.ndarray) -> list[Hit]:
    ordered = [columns.skus[o] for o in page]
    rows = reader.page(ordered)
    return [rows[sku] for sku in ordered if sku in rows]


def _ordered(columns: Columns, query: SearchQuery, matched: Matched, count: int) -> np.ndarray:
    """The first `count` hits in the query's order."""
    hits = matched.hits
    keys = {Sort.relevance: lambda: -matched.relevance, Sort.price_asc: lambda: columns.price[hits],
            Sort.price_desc: lambda: -columns.price[hits], Sort.new: lambda: -columns.created[hits]}[query.order]()
    return _top(columns, hits, keys, count)


def _top(columns: Columns, hits: np.ndarray, keys: np.ndarray, count: int) -> np.ndarray:
    """The `count` hits with the smallest keys, in key order; ties in the SKUs' fixed
    pseudo-random order (columns.spread), the same in every worker."""
    if count <= 0 or not len(hits):
        return _NONE
    if count < len(hits):
        kth = np.partition(keys, count - 1)[count - 1]
        within = keys <= kth  # the last one taken and every hit tied with it
        hits, keys = hits[within], keys[within]
    return hits[np.lexsort((columns.spread[hits], keys))[:count]]
