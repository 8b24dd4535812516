"""Pure rules of the storefront catalog: query words and word forms, price bands, the category
tree's paths, delivery estimates, the generated catalog."""

from __future__ import annotations

import pytest

from central.catalog.availability import parse_held
from central.catalog.categories import paths
from central.catalog.delivery import days_for, nearest_with_stock
from central.catalog.generator import LEAVES, brands_of, product
from central.catalog.morphology import forms, normalize, stem, words
from central.catalog.query import PRICE_BANDS, SearchQuery, Sort, price_band
from central.catalog.sqlite_fts import word_expression
from central.domain.routing import Depot, Point
from central.errors import InvalidRequest


def test_words_drop_syntax_and_fold_case() -> None:
    assert words('Кроссовки "Nike" OR 1=1; -- ЁЛКА*') == ["кроссовки", "nike", "or", "1", "1", "елка"]
    assert words("((( ))) !!!") == []
    assert len(words(" ".join(["слово"] * 50))) == 8
    assert normalize("  Электрочайник   Bosch  ") == "электрочайник bosch"


@pytest.mark.parametrize(("word", "twin"), [("кроссовки", "кроссовок"), ("кроссовок", "кроссовки"),
                                            ("носки", "носок"), ("платок", "платки"), ("кроссовкам", "кроссовок")])
def test_fleeting_vowel_twins(word: str, twin: str) -> None:
    assert forms(word) == [word, twin]
    assert stem(word) in {stem(f) for f in forms(twin)}


@pytest.mark.parametrize("word", ["блок", "кот", "nike", "ok", "сок"])
def test_words_without_a_fleeting_vowel_stand_alone(word: str) -> None:
    assert forms(word) == [word]


def test_fts5_expression_quotes_stems_only() -> None:
    assert [word_expression(w) for w in ("кроссовки", "nike")] == ['("кроссовк" OR "кроссовок")', '("nike")']


def test_price_bands_cover_every_price_once() -> None:
    for price in (0, 499_99, 500_00, 2_500_00, 24_999_99, 25_000_00, 10**12):
        band = PRICE_BANDS[price_band(price)]
        assert band.min_minor <= price and (band.max_minor is None or price < band.max_minor)


def test_default_order() -> None:
    assert SearchQuery(text="чайник").order is Sort.relevance
    assert SearchQuery().order is Sort.new
    assert SearchQuery(text="x", sort=Sort.price_asc).order is Sort.price_asc
    assert SearchQuery(page=3, page_size=20).offset == 40


def test_category_paths() -> None:
    assert paths({"a": None, "b": "a", "c": "b"}) == {"a": "a", "b": "a/b", "c": "a/b/c"}
    with pytest.raises(InvalidRequest, match="loop"):
        paths({"a": "b", "b": "a"})
    with pytest.raises(InvalidRequest, match="does not exist"):
        paths({"a": "missing"})


def test_delivery_from_the_nearest_warehouse_that_holds_stock() -> None:
    depots = [Depot("near", Point(55.75, 37.62)), Depot("far", Point(55.80, 49.11))]
    moscow = Point(55.76, 37.60)
    assert nearest_with_stock(depots, {"near": 1, "far": 5}, moscow).warehouse_id == "near"
    far = nearest_with_stock(depots, {"near": 0, "far": 5}, moscow)
    assert far is not None and far.warehouse_id == "far" and far.days == days_for(far.distance_km) == 3
    assert nearest_with_stock(depots, {}, moscow) is None
    assert days_for(0) == 1 and days_for(601) == 3


def test_generated_catalog_is_deterministic_and_consistent() -> None:
    assert product(1, 42) == product(1, 42) != product(2, 42)
    for n in range(1, 200):
        p = product(1, n)
        leaf = next(leaf for leaf in LEAVES if leaf.category_id == p.category_id)
        assert p.brand in brands_of(leaf) and p.brand in p.name and p.sku == f"SKU-{n:06d}"
        assert leaf.price_rub[0] * 100 - 1 <= p.price_minor <= leaf.price_rub[1] * 100


def test_held_units_by_warehouse_parse_back() -> None:
    assert parse_held("wh-1:4,spb:dock:7") == {"wh-1": 4, "spb:dock": 7}
    assert parse_held(None) == parse_held("") == {}


def test_stemming_from_many_threads_gives_each_its_own_stems() -> None:
    import threading

    words_ = ["кроссовками", "наушниками", "пылесосов", "холодильниками", "running", "headphones"] * 200
    expected = [stem(w) for w in words_]
    results: list[list[str]] = []

    def run() -> None:
        results.append([stem(w) for w in words_])

    threads = [threading.Thread(target=run) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 8
