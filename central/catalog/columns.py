"""The catalog's filter and sort columns as arrays, one slot per SKU (its ordinal): what search
filters, counts facets over and sorts by, in memory, so that none of it reads SKU rows.

A `Columns` is a snapshot: changes make a new one (`changed`), and a search keeps the one it
started with. SKUs keep their ordinal for the life of the process (new ones are appended), so
word hits (memory.py) stay valid across snapshots; `skus` and `ordinal` are shared between
snapshots and only ever appended to.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from central.catalog.query import PRICE_BAND_EDGES

# "new" sorts SKUs without a creation date last: below every real timestamp (µs since 1970),
# and still negatable without overflow.
NO_DATE = -(2**62)

# (sku, category_id, brand, price_minor, created µs or None), as memory.py reads them
Row = tuple[str, str | None, str, int, int | None]


@dataclass(frozen=True)
class Codes:
    """Small integers for repeated strings (brands, category ids), append-only."""

    values: list[str] = field(default_factory=list)
    code: dict[str, int] = field(default_factory=dict)

    def of(self, value: str) -> int:
        found = self.code.get(value)
        if found is None:
            found = self.code[value] = len(self.values)
            self.values.append(value)
        return found


@dataclass(frozen=True)
class Columns:
    skus: list[str]
    ordinal: dict[str, int]
    category: np.ndarray  # code + 1 in categories; 0: no category
    brand: np.ndarray  # code in brands
    price: np.ndarray
    created: np.ndarray  # µs since 1970; NO_DATE when unknown
    band: np.ndarray  # query.price_band of the price
    # A fixed pseudo-random key per SKU (a hash of its id): the same order in every worker, for
    # stock samples and among hits tied in the query's order.
    spread: np.ndarray
    categories: Codes
    brands: Codes
    paths: Mapping[str, str]  # category tree: category_id -> "root/.../category_id"
    # subtree() by category, for this snapshot's tree and codes (a new snapshot starts empty).
    _subtrees: dict[str, np.ndarray] = field(default_factory=dict, init=False, compare=False, repr=False)

    @property
    def size(self) -> int:
        return len(self.price)

    def subtree(self, category_id: str) -> np.ndarray:
        """A lookup table over `category` values: True for the category and those below it."""
        table = self._subtrees.get(category_id)
        if table is None:
            table = np.zeros(len(self.categories.values) + 1, dtype=bool)
            root = self.paths.get(category_id)
            for cid, path in self.paths.items() if root is not None else ():
                if (path == root or path.startswith(root + "/")) and cid in self.categories.code:
                    table[self.categories.code[cid] + 1] = True
            self._subtrees[category_id] = table
        return table

    def changed(self, rows: Sequence[Row], paths: Mapping[str, str]) -> tuple[Columns, np.ndarray]:
        """A snapshot with these rows' values (new SKUs appended), and the changed ordinals."""
        before = len(self.skus)
        touched = np.fromiter((self.ordinal.setdefault(row[0], len(self.ordinal)) for row in rows),
                              dtype=np.int64, count=len(rows))
        self.skus.extend(rows[i][0] for i in np.flatnonzero(touched >= before).tolist())
        arrays = {name: _grown(getattr(self, name), len(self.skus)) for name in _ARRAYS}
        for name, values in _values(rows, self.categories, self.brands).items():
            arrays[name][touched] = values
        columns = Columns(skus=self.skus, ordinal=self.ordinal, categories=self.categories, brands=self.brands,
                          paths=paths, **arrays)
        return columns, np.unique(touched)


_ARRAYS = ("category", "brand", "price", "created", "band", "spread")
_DTYPES = {"category": np.int32, "brand": np.int32, "price": np.int64, "created": np.int64, "band": np.int8,
           "spread": np.uint64}


def empty(paths: Mapping[str, str]) -> Columns:
    """Before the first read: no SKUs."""
    return Columns(skus=[], ordinal={}, categories=Codes(), brands=Codes(), paths=paths,
                   **{name: np.empty(0, dtype=_DTYPES[name]) for name in _ARRAYS})


def _values(rows: Sequence[Row], categories: Codes, brands: Codes) -> dict[str, np.ndarray]:
    n = len(rows)
    price = np.fromiter((row[3] for row in rows), dtype=np.int64, count=n)
    return {
        "category": np.fromiter((0 if row[1] is None else categories.of(row[1]) + 1 for row in rows),
                                dtype=np.int32, count=n),
        "brand": np.fromiter((brands.of(row[2]) for row in rows), dtype=np.int32, count=n),
        "price": price, "band": _bands(price),
        "created": np.fromiter((NO_DATE if row[4] is None else row[4] for row in rows), dtype=np.int64, count=n),
        "spread": np.fromiter((_spread(row[0]) for row in rows), dtype=np.uint64, count=n)}


def _spread(sku: str) -> int:
    return int.from_bytes(hashlib.blake2b(sku.encode(), digest_size=8).digest(), "little")


def _bands(price: np.ndarray) -> np.ndarray:
    return np.searchsorted(np.asarray(PRICE_BAND_EDGES, dtype=np.int64), price, side="right").astype(np.int8)


def _grown(array: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, dtype=array.dtype)
    out[:len(array)] = array
    return out
