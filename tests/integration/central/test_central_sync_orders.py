"""Floor movements move a paid order's shipment (PICKING, PACKED, SHIPPED) and consume its hold."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from support_central import levels, order_body, three_ds
from support_sync import batch, mv, set_tokens, upload

from central.bootstrap import Central


@pytest.fixture
def paid(client: TestClient, network: Central, customer_headers: Callable[[str], dict[str, str]],
         admin_headers: dict[str, str]) -> dict:
    """A paid order of 2 x A shipped from wh-msk (checkout, then the sandbox's 3-D Secure page)."""
    set_tokens(client, admin_headers)
    placed = client.post("/orders", json=order_body("k1", "pp-msk", A=2), headers=customer_headers("alice"))
    assert placed.status_code == 201, placed.text
    pay = three_ds(client, placed.json())
    assert pay.json()["result"] == "paid", pay.text
    return client.get(f"/orders/{placed.json()['order_id']}", headers=admin_headers).json()


def status(client: TestClient, admin: dict[str, str], order_id: str) -> tuple[str, str]:
    order = client.get(f"/orders/{order_id}", headers=admin).json()
    return order["status"], order["shipments"][0]["status"]


def test_pick_pack_ship_progress_the_order(client: TestClient, network: Central, paid: dict,
                                           admin_headers: dict[str, str]) -> None:
    shipment = paid["shipments"][0]
    assert shipment["warehouse_id"] == "wh-msk"
    refs = {"shipment_ref": shipment["shipment_id"], "order_ref": paid["order_id"]}
    assert levels(network, "A")["wh-msk"] == (10, 2)
    steps = [("pick", "PICKING"), ("pack", "PACKED"), ("ship", "SHIPPED")]
    for seq, (kind, expected) in enumerate(steps, start=1):
        assert upload(client, batch([mv(seq, kind, "A", 2, **refs)])).status_code == 200
        order_status = "FULFILLED" if kind == "ship" else "PAID"
        assert status(client, admin_headers, paid["order_id"]) == (order_status, expected)
    assert levels(network, "A")["wh-msk"] == (8, 0)  # shipped units left on hand, their hold with them


def test_one_batch_can_carry_the_whole_journey_and_a_late_pick_moves_nothing_back(
        client: TestClient, network: Central, paid: dict, admin_headers: dict[str, str]) -> None:
    refs = {"shipment_ref": paid["shipments"][0]["shipment_id"], "order_ref": paid["order_id"]}
    body = batch([mv(1, "pick", "A", 2, **refs), mv(2, "pack", "A", 2, **refs), mv(3, "ship", "A", 2, **refs)])
    assert upload(client, body).json()["applied"] == 3
    assert upload(client, batch([mv(4, "pick", "A", 1, **refs)])).json()["applied"] == 1
    assert status(client, admin_headers, paid["order_id"]) == ("FULFILLED", "SHIPPED")
    assert levels(network, "A")["wh-msk"] == (8, 0)


def test_another_warehouses_or_unknown_shipment_moves_no_status(client: TestClient, network: Central, paid: dict,
                                                               admin_headers: dict[str, str]) -> None:
    refs = {"shipment_ref": paid["shipments"][0]["shipment_id"]}
    body = batch([mv(1, "pick", "A", 2, **refs)], warehouse_id="wh-spb")
    assert upload(client, body, warehouse_id="wh-spb").status_code == 200
    assert upload(client, batch([mv(1, "ship", "A", 1, shipment_ref="shp-unknown")])).status_code == 200
    assert status(client, admin_headers, paid["order_id"]) == ("PAID", "ALLOCATED")
    assert levels(network, "A")["wh-msk"] == (9, 2)
