"""Customer returns at central: the request is checked against what was shipped, goes into the
warehouse's feed, is counted from the floor's `return` movements, and refunded by the sweeper
once (partial refunds in the payment's own transition table)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from support_central import order_body
from support_sync import batch, mv, set_tokens, upload

from central.bootstrap import Central

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def shipped(client: TestClient, network: Central, customer_headers: Headers, admin_headers: dict[str, str]) -> dict:
    """A paid order of 2 x A and 1 x B from wh-msk that the floor has shipped."""
    set_tokens(client, admin_headers)
    alice = customer_headers("alice")
    placed = client.post("/orders", json=order_body("k1", "pp-msk", A=2, B=1), headers=alice).json()
    assert client.post(f"/sandbox/3ds/{placed['payment']['payment_id']}", headers=alice,
                       json={"outcome": "approve"}).json()["result"] == "paid"
    refs = {"shipment_ref": placed["shipments"][0]["shipment_id"], "order_ref": placed["order_id"]}
    moves = [mv(i + 1, kind, sku, qty, **refs) for i, (kind, sku, qty) in enumerate(
        [("pick", "A", 2), ("pick", "B", 1), ("pack", "A", 2), ("pack", "B", 1), ("ship", "A", 2), ("ship", "B", 1)])]
    assert upload(client, batch(moves)).status_code == 200
    order = client.get(f"/orders/{placed['order_id']}", headers=alice).json()
    assert order["status"] == "FULFILLED"
    return order


def ask(client: TestClient, admin: dict[str, str], order: dict, return_id: str, **lines: int):  # type: ignore[no-untyped-def]
    body = {"return_id": return_id, "lines": [{"sku": s, "qty": q, "reason": "too small"} for s, q in lines.items()]}
    return client.post(f"/admin/orders/{order['order_id']}/returns", json=body, headers=admin)


def receive(client: TestClient, order: dict, seq: int, return_id: str, sku: str, qty: int):  # type: ignore[no-untyped-def]
    refs = {"shipment_ref": order["shipments"][0]["shipment_id"], "order_ref": order["order_id"],
            "reason": f"return {return_id}: too small", "from_location": None, "to_location": "RET-01"}
    return upload(client, batch([mv(seq, "return", sku, qty, **refs)]))


def test_a_return_goes_to_the_floor_and_is_refunded_once_received(
        client: TestClient, network: Central, shipped: dict, admin_headers: dict[str, str],
        customer_headers: Headers) -> None:
    resp = ask(client, admin_headers, shipped, "R1", A=1)
    assert resp.status_code == 201, resp.text
    (ret,) = resp.json()
    assert (ret["status"], ret["warehouse_id"], ret["lines"][0]["received"]) == ("REQUESTED", "wh-msk", 0)
    assert ask(client, admin_headers, shipped, "R1", A=1).json() == [ret]  # a replay
    feed = client.get("/admin/warehouses/wh-msk/feed", params={"after": ret["feed_seq"] - 1, "limit": 1},
                      headers=admin_headers).json()["entries"]
    assert feed[0]["command"] == {"type": "return_notice", "return_id": "R1", "order_id": shipped["order_id"],
                                  "shipment_id": shipped["shipments"][0]["shipment_id"], "warehouse_id": "wh-msk",
                                  "lines": [{"sku": "A", "qty": 1, "reason": "too small"}]}
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 0  # not received yet

    assert receive(client, shipped, 7, "R1", "A", 1).status_code == 200
    (ret,) = client.get(f"/admin/orders/{shipped['order_id']}/returns", headers=admin_headers).json()
    assert (ret["status"], ret["amount_minor"], ret["lines"][0]["received"]) == ("REFUND_DUE", 100_00, 1)
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 1
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 0  # once
    seen = client.get(f"/orders/{shipped['order_id']}", headers=customer_headers("alice")).json()
    assert seen["payment"]["status"] == "PARTIALLY_REFUNDED" and seen["payment"]["refund_minor"] == 100_00

    assert ask(client, admin_headers, shipped, "R2", A=1, B=1).status_code == 201
    receive(client, shipped, 8, "R2", "A", 1)
    receive(client, shipped, 9, "R2", "B", 1)
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 1
    seen = client.get(f"/orders/{shipped['order_id']}", headers=customer_headers("alice")).json()
    assert (seen["payment"]["status"], seen["payment"]["refund_minor"]) == ("REFUNDED", 450_00)


def test_a_return_of_more_than_was_shipped_is_refused_by_name(
        client: TestClient, network: Central, shipped: dict, admin_headers: dict[str, str]) -> None:
    resp = ask(client, admin_headers, shipped, "R1", A=3)
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "return_exceeds_shipped"
    assert "return of 3 x A" in resp.json()["error"]["message"] and "(2)" in resp.json()["error"]["message"]
    assert ask(client, admin_headers, shipped, "R2", A=2).status_code == 201
    again = ask(client, admin_headers, shipped, "R3", A=1)
    assert again.status_code == 409 and "(0)" in again.json()["error"]["message"]
    assert ask(client, admin_headers, shipped, "R4", C=1).status_code == 409  # never ordered
    listed = client.get(f"/admin/orders/{shipped['order_id']}/returns", headers=admin_headers).json()
    assert [r["return_id"] for r in listed] == ["R2"]


def test_bad_return_requests_change_nothing(client: TestClient, network: Central, shipped: dict,
                                            admin_headers: dict[str, str], customer_headers: Headers) -> None:
    url = f"/admin/orders/{shipped['order_id']}/returns"
    assert client.post(url, json={"return_id": "R1", "lines": []}, headers=admin_headers).status_code == 422
    dup = {"return_id": "R1", "lines": [{"sku": "A", "qty": 1, "reason": "x"}] * 2}
    assert client.post(url, json=dup, headers=admin_headers).status_code == 422
    assert client.post(url, json={"return_id": "R1", "lines": [{"sku": "A", "qty": 1, "reason": "x"}]},
                       headers=customer_headers("alice")).status_code == 403
    assert client.post("/admin/orders/nope/returns", json={"return_id": "R1", "lines": [
        {"sku": "A", "qty": 1, "reason": "x"}]}, headers=admin_headers).status_code == 404
    assert client.get(url, headers=admin_headers).json() == []
