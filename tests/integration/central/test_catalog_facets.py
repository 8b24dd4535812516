"""Filters and facet counts equal a brute-force count over the same rows, on both databases."""

from __future__ import annotations

import random
from collections import Counter

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_catalog import CATEGORIES, item, load_catalog

from central.bootstrap import Central
from central.catalog.query import PRICE_BANDS, price_band
from central.db.tables import skus, stock
from central.services.catalog import import_stock

WORDS = ["чайник", "кружка", "лампа", "рюкзак", "зонт", "kettle", "lamp", "backpack"]
ADJECTIVES = ["красный", "синий", "большой", "compact", "travel"]
BRANDS = ["Bosch", "Tefal", "Xiaomi", "Ikea"]
LEAVES = ["sneakers", "boots", "headphones", "kitchen", "shoes"]
QUERIES = [{}, {"q": "чайник"}, {"q": "красная лампа"}, {"q": "travel"}, {"category": "shoes"},
           {"q": "кружки", "brand": "Tefal"}, {"price_min": 1_000_00, "price_max": 9_000_00},
           {"q": "синий", "in_stock": "true"}, {"in_stock": "true", "category": "electronics"},
           {"q": "рюкзак", "category": "shoes", "price_max": 5_000_00}]


@pytest.fixture
def catalog(client: TestClient, network: Central, admin_headers: dict[str, str]) -> Central:
    rng = random.Random(11)
    items = [item(f"G-{n:03d}", f"{rng.choice(ADJECTIVES).capitalize()} {rng.choice(WORDS)} {n}",
                  rng.choice(BRANDS), rng.choice(LEAVES), rng.randint(50, 30_000) * 100)
             for n in range(120)]
    load_catalog(client, admin_headers, items)
    import_stock(network, [(w, i["sku"], rng.choice([0, 0, 3])) for i in items for w in ("wh-msk", "wh-kzn")])
    return network


def all_hits(client: TestClient, params: dict[str, object]) -> tuple[dict, list[dict]]:
    first = client.get("/catalog/search", params=params | {"page_size": 100}).json()
    hits = list(first["hits"])
    for page in range(2, first["total"] // 100 + 2):
        hits += client.get("/catalog/search", params=params | {"page_size": 100, "page": page}).json()["hits"]
    assert len(hits) == first["total"] == len({h["sku"] for h in hits})
    return first, hits


def subtree(category: str) -> set[str]:
    parents = {c["category_id"]: c.get("parent_id") for c in CATEGORIES}
    def inside(c: str | None) -> bool:
        return c is not None and (c == category or inside(parents[c]))
    return {c for c in parents if inside(c)}


def brute_force(central: Central, params: dict[str, object], text_hits: set[str] | None) -> set[str]:
    """The filters applied in Python to every SKU row (to the text's hits when there is text)."""
    with central.db.read() as conn:
        rows = conn.execute(sa.select(skus.c.sku, skus.c.brand, skus.c.category_id, skus.c.price_minor)).all()
        stocked = set(conn.execute(sa.select(stock.c.sku).where(stock.c.on_hand > stock.c.reserved)).scalars())
    keep = set()
    for sku, brand, category, price in rows:
        if text_hits is not None and sku not in text_hits:
            continue
        if "category" in params and category not in subtree(str(params["category"])):
            continue
        if "brand" in params and brand != params["brand"]:
            continue
        if price < int(params.get("price_min", 0)) or price > int(params.get("price_max", 10**12)):
            continue
        if params.get("in_stock") == "true" and sku not in stocked:
            continue
        keep.add(sku)
    return keep


@pytest.mark.parametrize("params", QUERIES, ids=[str(q) for q in QUERIES])
def test_filters_and_facets_equal_a_brute_force_count(client: TestClient, catalog: Central,
                                                      params: dict[str, object]) -> None:
    page, hits = all_hits(client, params)
    text_hits = {h["sku"] for h in all_hits(client, {"q": params["q"]})[1]} if "q" in params else None
    assert {h["sku"] for h in hits} == brute_force(catalog, params, text_hits)
    if "q" in params:
        assert hits, f"the generated catalog should match {params}"
    facets = page["facets"]
    assert {b["value"]: b["count"] for b in facets["categories"]} == Counter(
        h["category_id"] for h in hits if h["category_id"] is not None)  # uncategorised SKUs: no bucket
    assert {b["value"]: b["count"] for b in facets["brands"]} == Counter(h["brand"] for h in hits)
    bands = Counter(price_band(h["price_minor"]) for h in hits)
    assert {(b["min_minor"], b["max_minor"]): b["count"] for b in facets["price_bands"]} == {
        (PRICE_BANDS[i].min_minor, PRICE_BANDS[i].max_minor): n for i, n in bands.items()}
    for hit in hits:
        assert hit["availability"]["in_stock"] == (hit["availability"]["available"] > 0)
