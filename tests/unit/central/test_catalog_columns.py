"""The in-memory parts of search, without a database: columns and their changes, word hits
joined and intersected, filters, facets and the order of hits with ties."""

from __future__ import annotations

import numpy as np

from central.catalog import columns
from central.catalog.memory import WordHits
from central.catalog.query import SearchQuery, Sort
from central.catalog.search import Matched, _both, _ordered, facets_of, kept

PATHS = {"shoes": "shoes", "sneakers": "shoes/sneakers", "kitchen": "kitchen"}
ROWS = [("A", "sneakers", "Nike", 500_00, 3), ("B", "shoes", "Ecco", 1_500_00, 1),
        ("C", "kitchen", "Bosch", 500_00, None), ("D", None, "Nike", 30_000_00, 2)]


def test_columns_load_and_a_change_keeps_ordinals_and_appends_new_skus() -> None:
    before = columns.empty(PATHS).changed(ROWS, PATHS)[0]
    after, touched = before.changed([("B", "kitchen", "Bosch", 99_00, 1), ("E", "shoes", "Puma", 1_00, 9)], PATHS)
    assert touched.tolist() == [1, 4] and after.size == 5 and before.size == 4
    assert after.skus[4] == "E" and after.ordinal["B"] == 1
    assert (before.price[1], after.price[1]) == (1_500_00, 99_00)  # the old snapshot is unchanged
    assert after.brands.values[after.brand[1]] == "Bosch" and after.created[2] == columns.NO_DATE


def test_filters_and_facets() -> None:
    cols = columns.empty(PATHS).changed(ROWS, PATHS)[0]
    every = np.arange(cols.size)
    assert every[kept(cols, SearchQuery(category="shoes"), every)].tolist() == [0, 1]
    assert every[kept(cols, SearchQuery(brand="Nike", price_max=600_00), every)].tolist() == [0]
    assert not kept(cols, SearchQuery(brand="Nobody"), every).any()
    facets = facets_of(cols, every)
    assert (facets.total, facets.categories) == (4, {"sneakers": 1, "shoes": 1, "kitchen": 1})
    assert facets.brands == {"Nike": 2, "Ecco": 1, "Bosch": 1} and facets.price_bands == {1: 2, 2: 1, 6: 1}
    scaled = facets_of(cols, every[:1], scale=10.0, exact=False)
    assert (scaled.total, scaled.brands, scaled.exact) == (10, {"Nike": 10}, False)


def test_word_hits_intersect_with_summed_ranks() -> None:
    red = WordHits(1, np.array([0, 2, 5, 9]), np.array([0.1, 0.2, 0.3, 0.4], dtype=np.float32))
    lamp = WordHits(1, np.array([2, 3, 9]), np.array([1.0, 1.0, 2.0], dtype=np.float32))
    hits, relevance = _both((red.ordinals, red.ranks.astype(np.float64)), lamp)
    assert hits.tolist() == [2, 9] and np.allclose(relevance, [1.2, 2.4])
    nothing = WordHits(1, np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32))
    assert _both((hits, relevance), nothing)[0].size == 0
    patched = red.without(np.array([2, 9])).joined(WordHits(2, np.array([1]), np.array([0.5], dtype=np.float32)), 2)
    assert (patched.revision, patched.ordinals.tolist()) == (2, [0, 1, 5])
    assert np.allclose(patched.ranks, [0.1, 0.5, 0.3])


def test_orders_break_ties_the_same_way_every_time() -> None:
    cols = columns.empty({}).changed([(f"S{n}", None, "X", 100 * (n % 3), n) for n in range(30)], {})[0]
    matched = Matched(np.arange(30), np.zeros(30))
    cheapest = _ordered(cols, SearchQuery(sort=Sort.price_asc), matched, 12)
    assert [cols.price[o] for o in cheapest] == [0] * 10 + [100] * 2
    tied = [int(o) for o in cheapest[:10]]
    assert tied == sorted(tied, key=lambda o: int(cols.spread[o]))  # the fixed order among ties
    again = columns.empty({}).changed(list(reversed([(f"S{n}", None, "X", 100 * (n % 3), n) for n in range(30)])),
                                      {})[0]
    assert [again.skus[o] for o in _ordered(again, SearchQuery(sort=Sort.price_asc), matched, 12)] == [
        cols.skus[o] for o in cheapest]  # another worker, rows in another order: the same page
    newest = _ordered(cols, SearchQuery(sort=Sort.new), matched, 3)
    assert [cols.skus[o] for o in newest] == ["S29", "S28", "S27"]


def test_kept_words_are_bounded_by_their_hits_and_by_their_number(monkeypatch) -> None:
    from central.catalog import memory as memory_module

    memory = memory_module.CatalogMemory(max_word_ids=10)
    memory._columns = columns.empty({}).changed([(f"S{n}", None, "X", 1, 1) for n in range(20)], {})[0]
    memory._revision = 1

    def kept(key: str, count: int) -> None:
        memory._keep(key, WordHits(1, np.arange(count), np.ones(count, dtype=np.float32)))

    kept("a", 6)
    kept("b", 6)  # 12 ids > 10: the least recently used word goes
    assert list(memory._words) == ["b"]
    monkeypatch.setattr(memory_module, "MAX_WORDS", 3)
    for key in "cdef":
        kept(key, 0)  # words that match nothing count too
    assert list(memory._words) == ["d", "e", "f"]
