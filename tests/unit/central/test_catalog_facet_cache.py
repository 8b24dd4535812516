"""The per-worker facet cache: fresh entries only, dropped on a catalog change, bounded."""

from __future__ import annotations

from central.catalog.facet_cache import FacetCache, Facets


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def facets(total: int) -> Facets:
    return Facets(total=total, categories={"c": total}, brands={"b": total}, price_bands={0: total}, near=False)


def test_an_entry_is_served_until_its_ttl_then_counted_again() -> None:
    clock = Clock()
    cache = FacetCache(ttl=5.0, monotonic=clock)
    cache.put("q", facets(3), cache.generation)
    clock.now = 5.0
    assert cache.get("q") == facets(3)
    clock.now = 5.1
    assert cache.get("q") is None
    assert (cache.hits, cache.misses) == (1, 1)


def test_a_catalog_change_drops_every_entry_and_refuses_counts_taken_before_it() -> None:
    cache = FacetCache(monotonic=Clock())
    before = cache.generation
    cache.put("q", facets(3), before)
    cache.invalidate()
    assert cache.get("q") is None
    cache.put("q", facets(3), before)  # a search that read the catalog before the change
    assert cache.get("q") is None
    cache.put("q", facets(4), cache.generation)
    assert cache.get("q") == facets(4)


def test_the_least_recently_used_entries_go_first_past_the_bound() -> None:
    cache = FacetCache(max_entries=2, monotonic=Clock())
    for key in ("a", "b"):
        cache.put(key, facets(1), cache.generation)
    assert cache.get("a") is not None  # "b" is now the oldest
    cache.put("c", facets(1), cache.generation)
    assert cache.get("b") is None
    assert cache.get("a") is not None and cache.get("c") is not None


def test_a_page_order_lives_and_dies_with_its_entry() -> None:
    cache = FacetCache(max_entries=1, monotonic=Clock())
    before = cache.generation
    cache.put_page("q", 1, ("A",), before)  # no entry yet: nothing to attach it to
    assert cache.page("q", 1) is None
    cache.put("q", facets(2), before)
    cache.put_page("q", 1, ("A", "B"), before)
    assert cache.page("q", 1) == ("A", "B") and cache.page("q", 2) is None
    cache.put("q", facets(2), before)  # counted again: the pages are taken again too
    assert cache.page("q", 1) is None
    cache.put_page("q", 1, ("B", "A"), before)
    cache.invalidate()
    cache.put_page("q", 1, ("B", "A"), before)  # ordered before the catalog changed
    assert cache.page("q", 1) is None
    cache.put("q", facets(2), cache.generation)
    cache.put_page("q", 1, ("A",), cache.generation)
    cache.put("r", facets(1), cache.generation)  # the bound evicts "q", and its pages with it
    assert cache.page("q", 1) is None
