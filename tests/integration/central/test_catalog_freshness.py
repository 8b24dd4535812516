"""What a search worker keeps in memory (the catalog's columns, each word's hits) follows the
catalog: a change made through this process shows at once, one made through another within the
poll interval, and a kept word is checked again for the changed SKUs only, not listed again.
Stock is never kept: `in_stock` and availability follow it at once."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient
from support_catalog import ITEMS, item, load_catalog

from central.api.app import create_app
from central.bootstrap import Central, bootstrap
from central.catalog import service
from central.catalog.memory import POLL_S, CatalogMemory
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


def skus(page: dict) -> list[str]:
    return [h["sku"] for h in page["hits"]]


@pytest.fixture
def other_worker(central: Central) -> Iterator[Callable[[Clock], tuple[TestClient, CatalogMemory]]]:
    """Another process's view of the same database, with its own memory polling on `clock`."""
    opened: list[tuple[TestClient, Central]] = []

    def make(clock: Clock) -> tuple[TestClient, CatalogMemory]:
        other = replace(bootstrap(central.settings), catalog_memory=CatalogMemory(monotonic=clock))
        client = TestClient(create_app(other), raise_server_exceptions=False).__enter__()
        opened.append((client, other))
        return client, other.catalog_memory

    yield make
    for client, other in opened:
        client.__exit__(None, None, None)
        other.db.dispose()


def test_an_upsert_here_shows_at_once_and_elsewhere_within_the_poll(
        client: TestClient, central: Central, admin_headers: dict[str, str],
        other_worker: Callable[[Clock], tuple[TestClient, CatalogMemory]]) -> None:
    load_catalog(client, admin_headers)
    clock = Clock()
    elsewhere, memory = other_worker(clock)
    assert brands(search(client, q="кроссовки")) == brands(search(elsewhere, q="кроссовки")) == {
        "Nike": 1, "Adidas": 1, "Laces & Co": 1}
    listed = memory.word_fills
    rebranded = dict(ITEMS[2], brand="Puma")  # LACE-1: not on a one-hit page of «кроссовки»
    assert client.put("/admin/skus", json={"items": [rebranded]}, headers=admin_headers).status_code == 200
    assert brands(search(client, q="кроссовки")) == {"Nike": 1, "Adidas": 1, "Puma": 1}
    stale = search(elsewhere, q="кроссовки", page_size=1)
    assert skus(stale) == ["RUN-2"] and brands(stale) == {"Nike": 1, "Adidas": 1, "Laces & Co": 1}
    clock.now += POLL_S
    assert brands(search(elsewhere, q="кроссовки", page_size=1)) == {"Nike": 1, "Adidas": 1, "Puma": 1}
    assert search(elsewhere, q="puma")["total"] == 1  # a new word: listed
    assert memory.word_fills == listed + 1  # «кроссовки» was checked for LACE-1 only, not listed again


def test_a_page_row_changed_elsewhere_makes_the_search_read_the_change_at_once(
        client: TestClient, admin_headers: dict[str, str],
        other_worker: Callable[[Clock], tuple[TestClient, CatalogMemory]]) -> None:
    load_catalog(client, admin_headers)
    elsewhere, _ = other_worker(Clock())  # its clock stands still: no poll is due
    assert skus(search(elsewhere, q="кроссовки", sort="price_asc")) == ["LACE-1", "RUN-2", "RUN-1"]
    dearer = dict(ITEMS[1], price_minor=99_000_00, brand="Reebok")  # RUN-2, on the page
    assert client.put("/admin/skus", json={"items": [dearer]}, headers=admin_headers).status_code == 200
    page = search(elsewhere, q="кроссовки", sort="price_asc")
    assert skus(page) == ["LACE-1", "RUN-1", "RUN-2"] and brands(page)["Reebok"] == 1


def test_a_kept_word_finds_a_sku_added_and_loses_one_renamed_elsewhere(
        client: TestClient, admin_headers: dict[str, str],
        other_worker: Callable[[Clock], tuple[TestClient, CatalogMemory]]) -> None:
    load_catalog(client, admin_headers)
    clock = Clock()
    elsewhere, memory = other_worker(clock)
    assert set(skus(search(elsewhere, q="кроссовки"))) == {"RUN-1", "RUN-2", "LACE-1"}
    listed = memory.word_fills
    added = item("RUN-3", "Кроссовки трейловые", "Salomon", "sneakers", 9_990_00)
    renamed = dict(ITEMS[2], name="Шнурки плоские", description="120 см")
    assert client.put("/admin/skus", json={"items": [added, renamed]}, headers=admin_headers).status_code == 200
    clock.now += POLL_S
    page = search(elsewhere, q="кроссовки", sort="price_desc")
    assert skus(page) == ["RUN-3", "RUN-1", "RUN-2"] and page["total"] == 3
    assert memory.word_fills == listed


def test_a_moved_category_shows_in_filters_and_facets_at_once(client: TestClient,
                                                               admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    assert search(client, category="shoes")["total"] == 4
    moved = client.put("/admin/categories", json={"items": [
        {"category_id": "boots", "parent_id": "electronics", "name": "Ботинки"}]}, headers=admin_headers)
    assert moved.status_code == 200, moved.text
    assert search(client, category="shoes")["total"] == 3
    assert {b["value"] for b in search(client, category="electronics")["facets"]["categories"]} == {
        "boots", "headphones"}


def test_in_stock_and_availability_follow_stock_at_once(client: TestClient, network: Central,
                                                        admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    assert search(client, q="кроссовки", in_stock="true")["total"] == 0
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 0
    import_stock(network, [("wh-msk", "RUN-2", 3)])
    stocked = search(client, q="кроссовки", in_stock="true")
    assert (stocked["total"], brands(stocked)) == (1, {"Adidas": 1})
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 3
    import_stock(network, [("wh-msk", "RUN-2", 0)])
    assert search(client, q="кроссовки", in_stock="true")["total"] == 0
    assert search(client, q="кроссовки")["hits"][0]["availability"]["available"] == 0


def test_a_price_change_here_reorders_at_once(client: TestClient, admin_headers: dict[str, str]) -> None:
    load_catalog(client, admin_headers)
    assert skus(search(client, q="кроссовки", sort="price_asc")) == ["LACE-1", "RUN-2", "RUN-1"]
    cheaper = dict(ITEMS[0], price_minor=1_00)
    assert client.put("/admin/skus", json={"items": [cheaper]}, headers=admin_headers).status_code == 200
    assert skus(search(client, q="кроссовки", sort="price_asc")) == ["RUN-1", "LACE-1", "RUN-2"]


def test_the_catalog_read_in_small_batches_is_the_same_catalog(client: TestClient, admin_headers: dict[str, str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(service, "BATCH_ROWS", 2)
    load_catalog(client, admin_headers)
    page = search(client, sort="price_asc")
    assert page["total"] == len(ITEMS) and len(page["hits"]) == len(ITEMS)
    assert [h["price_minor"] for h in page["hits"]] == sorted(int(i["price_minor"]) for i in ITEMS)
    assert brands(search(client, q="кроссовки")) == {"Nike": 1, "Adidas": 1, "Laces & Co": 1}
