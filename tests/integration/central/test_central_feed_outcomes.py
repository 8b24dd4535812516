"""The floor's answers to feed entries: a cancel applied refunds, a cancel refused because the
shipment left keeps the order (and says why), rejections are listed for head office."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from conftest import PRICES
from fastapi.testclient import TestClient
from support_central import levels, order_body, three_ds
from support_sync import answer_cancel, batch, bearer, cancel_entries, mv, set_tokens, upload

from central.bootstrap import Central

Headers = Callable[[str], dict[str, str]]
AT = "2026-03-02T09:05:00+00:00"


@pytest.fixture
def cancelling(client: TestClient, network: Central, customer_headers: Headers,
               admin_headers: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """A paid order of 2 x A from wh-msk that alice has asked to cancel."""
    set_tokens(client, admin_headers)
    alice = customer_headers("alice")
    placed = client.post("/orders", json=order_body("k1", "pp-msk", A=2), headers=alice).json()
    assert client.post(f"/sandbox/3ds/{placed['payment']['payment_id']}", headers=alice,
                       json={"outcome": "approve"}).json()["result"] == "paid"
    order = client.post(f"/orders/{placed['order_id']}/cancel", headers=alice).json()
    assert order["status"] == "CANCEL_REQUESTED"
    return order, alice


def test_a_cancel_refused_because_shipped_keeps_the_order_and_says_why(
        client: TestClient, network: Central, cancelling: tuple[dict, dict[str, str]],
        admin_headers: dict[str, str]) -> None:
    order, alice = cancelling
    resp = answer_cancel(client, admin_headers, order, status="rejected", code="already_shipped",
                         reason="loaded on truck 7 at 09:02")
    assert resp.json() == {"recorded": 1, "duplicates": 0}
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("PAID", "SUCCEEDED")
    assert seen["shipments"][0]["status"] == "CANCEL_REFUSED"
    assert "had already left Moscow (loaded on truck 7 at 09:02)" in seen["cancel_refused"]
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 0
    refs = {"shipment_ref": order["shipments"][0]["shipment_id"], "order_ref": order["order_id"]}
    assert upload(client, batch([mv(1, "ship", "A", 2, **refs)])).status_code == 200
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["shipments"][0]["status"]) == ("FULFILLED", "SHIPPED")
    assert levels(network, "A")["wh-msk"] == (8, 0)
    rejected = client.get("/admin/feed-rejections", params={"warehouse_id": "wh-msk"},
                          headers=admin_headers).json()
    assert [(r["code"], r["shipment_id"], r["command_type"]) for r in rejected] == [
        ("already_shipped", order["shipments"][0]["shipment_id"], "cancel_shipment")]


def test_a_ship_movement_while_the_cancel_is_pending_is_the_floors_refusal(
        client: TestClient, network: Central, cancelling: tuple[dict, dict[str, str]],
        admin_headers: dict[str, str]) -> None:
    order, alice = cancelling
    refs = {"shipment_ref": order["shipments"][0]["shipment_id"], "order_ref": order["order_id"]}
    body = batch([mv(1, "pick", "A", 2, **refs), mv(2, "pack", "A", 2, **refs), mv(3, "ship", "A", 2, **refs)])
    assert upload(client, body).status_code == 200
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("FULFILLED", "SUCCEEDED")
    late = answer_cancel(client, admin_headers, order, status="rejected", code="already_shipped")
    assert late.status_code == 200
    assert client.get(f"/orders/{order['order_id']}", headers=alice).json()["status"] == "FULFILLED"
    assert levels(network, "A")["wh-msk"] == (8, 0)


def test_a_resent_report_changes_nothing(client: TestClient, network: Central,
                                         cancelling: tuple[dict, dict[str, str]],
                                         admin_headers: dict[str, str]) -> None:
    order, alice = cancelling
    assert answer_cancel(client, admin_headers, order).json() == {"recorded": 1, "duplicates": 0}
    assert answer_cancel(client, admin_headers, order, status="rejected",
                         code="already_shipped").json() == {"recorded": 0, "duplicates": 1}
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("CANCELLED", "REFUND_DUE")
    assert levels(network, "A")["wh-msk"] == (10, 0)
    refs = {"shipment_ref": order["shipments"][0]["shipment_id"], "order_ref": order["order_id"]}
    assert upload(client, batch([mv(1, "pick", "A", 2, **refs)])).status_code == 200  # a late movement
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["shipments"][0]["status"]) == ("CANCELLED", "CANCELLED")  # never comes back


def test_outcomes_for_entries_not_in_the_feed_or_of_another_type_are_refused(
        client: TestClient, network: Central, cancelling: tuple[dict, dict[str, str]],
        admin_headers: dict[str, str]) -> None:
    order, alice = cancelling
    seq = cancel_entries(client, admin_headers, order)[order["shipments"][0]["shipment_id"]]
    url = "/sync/v1/warehouses/wh-msk/feed/outcomes"
    bad = [{"feed_seq": 10_000, "type": "cancel_shipment", "status": "applied", "at": AT},
           {"feed_seq": seq, "type": "fulfilment_order", "status": "applied", "at": AT},
           {"feed_seq": seq, "type": "cancel_shipment", "status": "applied", "at": "2026-03-02T09:05:00"}]
    for outcome in bad:
        resp = client.post(url, json={"outcomes": [outcome]}, headers=bearer("wh-msk"))
        assert resp.status_code == 422, resp.text
        assert str(outcome["feed_seq"]) in resp.json()["error"]["message"]
    assert client.post(url, json={"outcomes": [bad[1]]}, headers=bearer("wh-spb")).status_code == 403
    assert client.post(url, json={"outcomes": [bad[1]]}).status_code == 401
    assert client.post(url, json={"outcomes": []}, headers=bearer("wh-msk")).status_code == 422
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert seen["status"] == "CANCEL_REQUESTED"
    assert client.get("/admin/feed-rejections", headers=admin_headers).json() == []


def test_rejections_of_other_entries_are_listed_and_paged(client: TestClient, network: Central,
                                                          cancelling: tuple[dict, dict[str, str]],
                                                          admin_headers: dict[str, str]) -> None:
    feed = client.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 3},
                      headers=admin_headers).json()["entries"]
    outcomes = [{"feed_seq": e["feed_seq"], "type": e["command"]["type"], "status": "rejected",
                 "code": "unknown_command", "reason": f"unknown command {e['command']['type']}", "at": AT}
                for e in feed]
    resp = client.post("/sync/v1/warehouses/wh-msk/feed/outcomes", json={"outcomes": outcomes},
                       headers=bearer("wh-msk"))
    assert resp.json() == {"recorded": 3, "duplicates": 0}
    first = client.get("/admin/feed-rejections", params={"limit": 2}, headers=admin_headers).json()
    rest = client.get("/admin/feed-rejections", params={"after": first[-1]["outcome_id"]},
                      headers=admin_headers).json()
    assert [r["feed_seq"] for r in first + rest] == [e["feed_seq"] for e in feed]
    assert client.get("/admin/feed-rejections", params={"warehouse_id": "wh-spb"}, headers=admin_headers).json() == []
    assert client.get(f"/orders/{cancelling[0]['order_id']}", headers=cancelling[1]).json()["status"] == \
        "CANCEL_REQUESTED"


def test_a_cancel_half_applied_refunds_what_was_stopped(client: TestClient, network: Central,
                                                       customer_headers: Headers,
                                                       admin_headers: dict[str, str]) -> None:
    set_tokens(client, admin_headers)
    alice = customer_headers("alice")
    placed = client.post("/orders", json=order_body("k2", "pp-msk", A=1, D=2), headers=alice).json()
    assert three_ds(client, placed).json()["result"] == "paid"
    order = client.post(f"/orders/{placed['order_id']}/cancel", headers=alice).json()
    by_wh = {s["warehouse_id"]: s["shipment_id"] for s in order["shipments"]}
    answer_cancel(client, admin_headers, order, by_wh["wh-msk"], status="rejected", code="already_shipped",
                  reason="on the truck")
    answer_cancel(client, admin_headers, order, by_wh["wh-kzn"])
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("PAID", "REFUND_DUE")
    assert seen["payment"]["refund_minor"] == 2 * PRICES["D"]
    assert {s["warehouse_id"]: s["status"] for s in seen["shipments"]} == {
        "wh-msk": "CANCEL_REFUSED", "wh-kzn": "CANCELLED"}
    assert client.post("/admin/sweep", headers=admin_headers).json()["refunded"] == 1
    assert network.acquirer.books.refunded(seen["payment"]["payment_id"]) == 2 * PRICES["D"]
    assert levels(network, "D")["wh-kzn"] == (4, 0)
    refs = {"shipment_ref": by_wh["wh-msk"], "order_ref": order["order_id"]}
    assert upload(client, batch([mv(1, "ship", "A", 1, **refs)])).status_code == 200
    done = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (done["status"], done["payment"]["status"]) == ("FULFILLED", "REFUNDED")
