"""The 15-minute hold: the sweeper expires unpaid orders; cancelling releases stock."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_central import levels, order_body, three_ds
from support_sync import answer_cancel, set_tokens

from central.bootstrap import Central
from central.db.tables import shipments
from central.services.orders import expire_due

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def alice(network: Central, customer_headers: Headers) -> dict[str, str]:
    return customer_headers("alice")


def place(client: TestClient, headers: dict[str, str], key: str = "k1", **lines: int) -> dict:
    resp = client.post("/orders", json=order_body(key, "pp-msk", **(lines or {"A": 3})),
                       headers=headers)
    assert resp.status_code == 201, resp.text
    return resp.json()


def pay(client: TestClient, placed: dict) -> None:
    resp = three_ds(client, placed, "approve")
    assert resp.json()["result"] == "paid"


def test_hold_expires_after_15_minutes(client: TestClient, central: Central, clock,
                                       alice: dict[str, str]) -> None:
    placed = place(client, alice)
    clock.advance(14.9)
    assert expire_due(central) == 0
    assert levels(central, "A")["wh-msk"] == (10, 3)
    clock.advance(0.2)
    assert expire_due(central) == 1
    assert levels(central, "A")["wh-msk"] == (10, 0)
    order = client.get(f"/orders/{placed['order_id']}", headers=alice).json()
    assert order["status"] == "EXPIRED"
    assert {s["status"] for s in order["shipments"]} == {"CANCELLED"}
    assert expire_due(central) == 0


def test_paid_orders_do_not_expire(client: TestClient, central: Central, clock,
                                   alice: dict[str, str]) -> None:
    pay(client, place(client, alice))
    clock.advance(60)
    assert expire_due(central) == 0
    assert levels(central, "A")["wh-msk"] == (10, 3)


def test_cancel_unpaid_releases_without_telling_warehouses(
        client: TestClient, central: Central, alice: dict[str, str],
        admin_headers: dict[str, str]) -> None:
    placed = place(client, alice)
    last = client.get("/admin/warehouses/wh-msk/feed", headers=admin_headers).json()["last_seq"]
    resp = client.post(f"/orders/{placed['order_id']}/cancel", headers=alice)
    assert resp.status_code == 200, resp.text
    assert resp.json()["status"] == "CANCELLED"
    assert levels(central, "A")["wh-msk"] == (10, 0)
    feed = client.get("/admin/warehouses/wh-msk/feed", headers=admin_headers).json()
    assert feed["last_seq"] == last


def test_cancel_paid_asks_each_warehouse_and_follows_the_floor(
        client: TestClient, central: Central, alice: dict[str, str],
        admin_headers: dict[str, str]) -> None:
    set_tokens(client, admin_headers)
    placed = place(client, alice, A=1, D=1)
    pay(client, placed)
    resp = client.post(f"/orders/{placed['order_id']}/cancel", json={"reason": "changed mind"},
                       headers=alice)
    waiting = resp.json()
    assert (waiting["status"], waiting["payment"]["status"]) == ("CANCEL_REQUESTED", "SUCCEEDED")
    assert {s["status"] for s in waiting["shipments"]} == {"CANCEL_REQUESTED"}
    for shipment in placed["shipments"]:
        feed = client.get(f"/admin/warehouses/{shipment['warehouse_id']}/feed",
                          params={"after": 0, "limit": 1000}, headers=admin_headers).json()
        last = feed["entries"][-1]["command"]
        assert last == {"type": "cancel_shipment", "shipment_id": shipment["shipment_id"],
                        "order_id": placed["order_id"], "reason": "changed mind"}
    assert levels(central, "A")["wh-msk"] == (10, 1)  # still on the floor until it answers
    again = client.post(f"/orders/{placed['order_id']}/cancel", headers=alice)
    assert again.status_code == 409 and again.json()["error"]["code"] == "cancel_pending"
    msk, kzn = sorted(placed["shipments"], key=lambda s: s["warehouse_id"] != "wh-msk")
    assert answer_cancel(client, admin_headers, waiting, msk["shipment_id"]).json() == {
        "recorded": 1, "duplicates": 0}
    half = client.get(f"/orders/{placed['order_id']}", headers=alice).json()
    assert half["status"] == "CANCEL_REQUESTED" and half["payment"]["status"] == "SUCCEEDED"
    assert levels(central, "A")["wh-msk"] == (10, 0)
    answer_cancel(client, admin_headers, waiting, kzn["shipment_id"])
    done = client.get(f"/orders/{placed['order_id']}", headers=alice).json()
    assert (done["status"], done["payment"]["status"]) == ("CANCELLED", "REFUND_DUE")
    assert done["payment"]["refund_minor"] == placed["total_minor"]
    assert levels(central, "D")["wh-kzn"] == (4, 0)


def test_cannot_cancel_twice_or_after_shipping(client: TestClient, central: Central,
                                               alice: dict[str, str]) -> None:
    first = place(client, alice, "k1")
    client.post(f"/orders/{first['order_id']}/cancel", headers=alice)
    again = client.post(f"/orders/{first['order_id']}/cancel", headers=alice)
    assert again.status_code == 409
    assert "CANCELLED" in again.json()["error"]["message"]
    second = place(client, alice, "k2")
    pay(client, second)
    with central.db.write() as conn:
        conn.execute(shipments.update().where(shipments.c.order_id == second["order_id"])
                     .values(status="SHIPPED"))
    late = client.post(f"/orders/{second['order_id']}/cancel", headers=alice)
    assert late.status_code == 409
    assert "SHIPPED" in late.json()["error"]["message"]
    assert levels(central, "A")["wh-msk"] == (10, 3)


def test_other_customers_cannot_cancel(client: TestClient, alice: dict[str, str],
                                       customer_headers: Headers) -> None:
    placed = place(client, alice)
    resp = client.post(f"/orders/{placed['order_id']}/cancel", headers=customer_headers("bob"))
    assert resp.status_code == 404


def test_expiry_and_late_payment_race_is_safe(client: TestClient, central: Central, clock,
                                              alice: dict[str, str]) -> None:
    placed = place(client, alice)
    clock.advance(20)
    pay(client, placed)  # paid before the sweeper came by: the hold was still in place
    assert expire_due(central) == 0
    with central.db.read() as conn:
        status = conn.execute(sa.select(shipments.c.status)
                              .where(shipments.c.order_id == placed["order_id"])).scalar_one()
    assert status == "ALLOCATED"
