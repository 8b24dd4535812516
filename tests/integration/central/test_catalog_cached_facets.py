"""Facet counts and the order of a page come from the worker's cache for a few seconds; what
the page's SKUs show (names, prices, availability) never does. A catalog change through this
process shows at once, through another process within the cache's TTL; `in_stock` facets are always counted live."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support_catalog import ITEMS, load_catalog

from central.api.app import create_app
from central.bootstrap import Central, bootstrap
from central.catalog.facet_cache import FacetCache
from central.services.catalog import import_stock


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def search(client: TestClient, **params: object) -> dict:
    resp = client.get("/catalog/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def brands(page: dict) -> dict[str, int]:
    return {b["value"]: b["count"] for b in page["facets"]["brands"]}


@pytest.fixture
def other_worker(central: Central) -> Iterator[Callable[[Clock], TestClient]]:
    """Another process's view of the same database, with its own facet cache on `clock`."""
    opened: list[tuple[TestClient, Central]] = []

    def make(clock: Clock) -> TestClient:
        other = replace(bootstrap(central.settings), catalog_cache=FacetCache(monotonic=clock))
        client = TestClient(create_app(other), raise_server_exceptions=False).__enter__()
        opened.append((client, other))
        return client

    yield make
    for client, other in opened:
        client.__exit__(None, None, None)
        other.db.dispose()


def test_repeated_searches_use_the_cache_and_equal_a_fresh_count(client: TestClient, central: Central,
                                                                admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    first = search(client, q="кроссовки", category="shoes")
    hits_before = central.catalog_cache.hits
    again = search(client, q="кроссовки", category="shoes", page_size=1, page=2)
    assert central.catalog_cache.hits == hits_before + 1
    assert (again["total"], again["facets"]) == (first["total"], first["facets"])
    assert [h["sku"] for h in again["hits"]] == [h["sku"] for h in first["hits"]][1:2]


def test_an_upsert_here_shows_at_once_and_elsewhere_within_the_ttl(
        client: TestClient, central: Central, admin_headers: dict[str, str],
        other_worker: Callable[[Clock], TestClient]) -> None:
    load_catalog(client, admin_headers)
    clock = Clock()
    elsewhere = other_worker(clock)
    assert brands(search(client, q="кроссовки")) == brands(search(elsewhere, q="кроссовки")) == {
        "Nike": 1, "Adidas": 1, "Laces & Co": 1}
    rebranded = dict(ITEMS[0], brand="Puma")
    assert client.put("/admin/skus", json={"items": [rebranded]}, headers=admin_headers).status_code == 200
    assert brands(search(client, q="кроссовки")) == {"Puma": 1, "Adidas": 1, "Laces & Co": 1}
    stale = search(elsewhere, q="кроссовки")
    assert brands(stale) == {"Nike": 1, "Adidas": 1, "Laces & Co": 1}  # counted before the change
    assert {h["sku"]: h["brand"] for h in stale["hits"]}["RUN-1"] == "Puma"  # the hits are read now
    clock.now += 5.1
    assert brands(search(elsewhere, q="кроссовки")) == {"Puma": 1, "Adidas": 1, "Laces & Co": 1}


def test_a_moved_category_shows_in_filtered_facets_at_once(client: TestClient, admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    assert search(client, category="shoes")["total"] == 4
    moved = client.put("/admin/categories", json={"items": [
        {"category_id": "boots", "parent_id": "electronics", "name": "Ботинки"}]}, headers=admin_headers)
    assert moved.status_code == 200, moved.text
    assert search(client, category="shoes")["total"] == 3
    assert {b["value"] for b in search(client, category="electronics")["facets"]["categories"]} == {
        "boots", "headphones"}


def test_in_stock_facets_and_every_page_follow_stock_at_once(client: TestClient, network: Central,
                                                             admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    assert search(client, q="кроссовки", in_stock="true")["total"] == 0
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 0
    import_stock(network, [("wh-msk", "RUN-2", 3)])
    stocked = search(client, q="кроссовки", in_stock="true")
    assert (stocked["total"], brands(stocked)) == (1, {"Adidas": 1})
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 3  # facets cached, hits live
    import_stock(network, [("wh-msk", "RUN-2", 0)])
    assert search(client, q="кроссовки", in_stock="true")["total"] == 0
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 0


def test_a_cached_page_order_shows_live_rows_and_a_price_change_here_reorders_at_once(
        client: TestClient, network: Central, admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    cheapest = [h["sku"] for h in search(client, q="кроссовки", sort="price_asc")["hits"]]
    assert cheapest == ["LACE-1", "RUN-2", "RUN-1"]
    hits_before = network.catalog_cache.hits
    import_stock(network, [("wh-msk", "RUN-2", 4)])
    again = search(client, q="кроссовки", sort="price_asc")
    assert network.catalog_cache.hits == hits_before + 1
    assert [h["sku"] for h in again["hits"]] == cheapest
    assert {h["sku"]: h["availability"]["available"] for h in again["hits"]}["RUN-2"] == 4
    cheaper = dict(ITEMS[0], price_minor=1_00)
    assert client.put("/admin/skus", json={"items": [cheaper]}, headers=admin_headers).status_code == 200
    assert [h["sku"] for h in search(client, q="кроссовки", sort="price_asc")["hits"]] == ["RUN-1", "LACE-1", "RUN-2"]
