"""Search shows availability live from the stock view: a hold, a release, an expiry and a sync
delta change it at once, with no re-indexing. Delivery estimates come from the nearest stock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from support_central import order_body
from support_sync import batch, mv, set_tokens, upload

from central.bootstrap import Central
from central.services.orders import expire_due


def availability(client: TestClient, sku: str, pickup_point: str = "pp-msk") -> dict:
    page = client.get("/catalog/search", params={"q": "item", "pickup_point": pickup_point,
                                                 "page_size": 100}).json()
    (hit,) = [h for h in page["hits"] if h["sku"] == sku]
    item = client.get(f"/catalog/items/{sku}", params={"pickup_point": pickup_point}).json()
    assert item["availability"] == hit["availability"]
    return hit["availability"]


@pytest.fixture
def alice(network: Central, customer_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return customer_headers("alice")


def test_availability_and_delivery_from_the_nearest_stock(client: TestClient, network: Central) -> None:
    a = availability(client, "A")
    assert (a["available"], a["in_stock"]) == (20, True)  # wh-msk 10 + wh-spb 10
    assert a["delivery"]["warehouse_id"] == "wh-msk" and a["delivery"]["days"] == 2
    d = availability(client, "D")  # only in Kazan, 4 units
    assert (d["available"], d["delivery"]["warehouse_id"]) == (4, "wh-kzn")
    assert d["delivery"]["distance_km"] > 700 and d["delivery"]["days"] == 3
    far = availability(client, "D", "pp-kzn")
    assert far["delivery"]["days"] == 2 and far["delivery"]["distance_km"] < 10
    flash = availability(client, "FLASH")
    assert flash == {"pickup_point_id": "pp-msk", "available": 0, "in_stock": False, "delivery": None}
    anywhere = client.get("/catalog/items/A").json()["availability"]
    assert anywhere == {"pickup_point_id": None, "available": 20, "in_stock": True, "delivery": None}


def test_a_hold_its_release_and_an_expiry_show_at_once(client: TestClient, network: Central, clock,
                                                       alice: dict[str, str]) -> None:
    placed = client.post("/orders", json=order_body("k1", "pp-msk", D=4), headers=alice)
    assert placed.status_code == 201, placed.text
    assert availability(client, "D")["available"] == 0
    in_stock = client.get("/catalog/search", params={"q": "item", "in_stock": "true"}).json()
    assert "D" not in {h["sku"] for h in in_stock["hits"]}
    cancel = client.post(f"/orders/{placed.json()['order_id']}/cancel", headers=alice)
    assert cancel.status_code == 200, cancel.text
    assert availability(client, "D")["available"] == 4
    assert client.post("/orders", json=order_body("k2", "pp-msk", D=3), headers=alice).status_code == 201
    assert availability(client, "D")["available"] == 1
    clock.advance(16)
    assert expire_due(network) == 1
    assert availability(client, "D")["available"] == 4


def test_a_sync_delta_shows_at_once(client: TestClient, network: Central, admin_headers: dict[str, str]) -> None:
    set_tokens(client, admin_headers)
    assert availability(client, "FLASH")["in_stock"] is False
    assert upload(client, batch([mv(1, "receive", "FLASH", 7)])).status_code == 200
    flash = availability(client, "FLASH")
    assert (flash["available"], flash["delivery"]["warehouse_id"]) == (7, "wh-msk")
    assert upload(client, batch([mv(2, "move", "FLASH", 7), mv(3, "ship", "FLASH", 5)])).status_code == 200
    assert availability(client, "FLASH")["available"] == 2
