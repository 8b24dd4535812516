"""Payment callbacks: signatures, replays, unknown ids, and feeds written on PAID."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from support_central import order_body, three_ds

from central.bootstrap import Central
from central.errors import AcquirerError, BadSignature
from central.payments.port import Acquirer, CallbackEvent, IntentMark, OpenIntent, PaymentIntent
from central.payments.sandbox import SIGNATURE_HEADER, SandboxAcquirer

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def placed(client: TestClient, network: Central, customer_headers: Headers) -> dict:
    resp = client.post("/orders", json=order_body("k1", "pp-msk", A=1, D=2),
                       headers=customer_headers("alice"))
    assert resp.status_code == 201, resp.text
    return resp.json()


def feed(client: TestClient, admin: dict[str, str], warehouse_id: str, after: int = 0) -> list:
    resp = client.get(f"/admin/warehouses/{warehouse_id}/feed", params={"after": after,
                                                                         "limit": 1000},
                      headers=admin)
    assert resp.status_code == 200, resp.text
    return resp.json()["entries"]


def signed(central: Central, payment: dict, event_id: str, outcome: str = "succeeded"
           ) -> tuple[bytes, dict[str, str]]:
    assert isinstance(central.acquirer, SandboxAcquirer)
    body, sig = central.acquirer.callback_for(event_id, payment["payment_id"], outcome,
                                              payment["amount_minor"], payment["currency"])
    return body, {SIGNATURE_HEADER: sig, "Content-Type": "application/json"}


def test_paid_order_sends_one_fulfilment_per_shipment(client: TestClient, placed: dict,
                                                      admin_headers: dict[str, str]) -> None:
    before = {w: len(feed(client, admin_headers, w)) for w in ("wh-msk", "wh-kzn", "wh-spb")}
    resp = three_ds(client, placed)
    assert resp.status_code == 200, resp.text
    assert resp.json()["result"] == "paid"
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert order["status"] == "PAID"
    assert order["payment"]["status"] == "SUCCEEDED"
    assert {s["status"] for s in order["shipments"]} == {"ALLOCATED"}
    for shipment in order["shipments"]:
        entries = feed(client, admin_headers, shipment["warehouse_id"])
        new = entries[before[shipment["warehouse_id"]]:]
        assert [e["command"]["type"] for e in new] == ["fulfilment_order"]
        assert new[0]["command"]["shipment_id"] == shipment["shipment_id"]
        assert new[0]["command"]["lines"] == shipment["lines"]
        assert [e["feed_seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert len(feed(client, admin_headers, "wh-spb")) == before["wh-spb"]


def test_replayed_callback_changes_nothing(client: TestClient, central: Central, placed: dict,
                                          admin_headers: dict[str, str]) -> None:
    body, headers = signed(central, placed["payment"], "evt-1")
    first = client.post("/payments/callback", content=body, headers=headers).json()
    count = len(feed(client, admin_headers, "wh-msk"))
    again = client.post("/payments/callback", content=body, headers=headers).json()
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    assert again["result"] == "paid"
    body2, headers2 = signed(central, placed["payment"], "evt-2")
    other = client.post("/payments/callback", content=body2, headers=headers2).json()
    assert other["result"] == "already_paid"
    assert len(feed(client, admin_headers, "wh-msk")) == count


def test_bad_or_missing_signature_is_refused(client: TestClient, central: Central,
                                             placed: dict, admin_headers: dict[str, str]
                                             ) -> None:
    body, headers = signed(central, placed["payment"], "evt-1")
    tampered = body.replace(b"succeeded", b"failed")
    resp = client.post("/payments/callback", content=tampered, headers=headers)
    assert resp.status_code == 401
    assert resp.json()["error"]["code"] == "bad_signature"
    resp = client.post("/payments/callback", content=body)
    assert resp.status_code == 401
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert order["status"] == "PENDING_PAYMENT"


def test_unknown_payment_id(client: TestClient, central: Central, placed: dict) -> None:
    ghost = dict(placed["payment"], payment_id="pay-ghost")
    body, headers = signed(central, ghost, "evt-1")
    resp = client.post("/payments/callback", content=body, headers=headers)
    assert resp.status_code == 404
    assert "pay-ghost" in resp.json()["error"]["message"]


def test_amount_mismatch_is_refused(client: TestClient, central: Central, placed: dict) -> None:
    body, headers = signed(central, dict(placed["payment"], amount_minor=1), "evt-1")
    resp = client.post("/payments/callback", content=body, headers=headers)
    assert resp.status_code == 422
    assert "does not match" in resp.json()["error"]["message"]


def test_declined_payment_keeps_the_hold_until_expiry(client: TestClient, placed: dict,
                                                      admin_headers: dict[str, str]) -> None:
    resp = three_ds(client, placed, "decline")
    assert resp.json()["result"] == "payment_failed"
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert (order["status"], order["payment"]["status"]) == ("PENDING_PAYMENT", "FAILED")


def test_payment_after_expiry_is_marked_for_refund(client: TestClient, central: Central,
                                                   placed: dict, clock,
                                                   admin_headers: dict[str, str]) -> None:
    clock.advance(16)
    assert client.post("/admin/sweep", headers=admin_headers).json() == {"expired": 1,
                                                                         "refunded": 0, "voided": 0}
    resp = three_ds(client, placed, "approve")
    assert resp.json()["result"] == "order_not_payable_refund_due"
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert (order["status"], order["payment"]["status"]) == ("EXPIRED", "REFUND_DUE")
    assert client.post("/admin/sweep", headers=admin_headers).json() == {"expired": 0,
                                                                         "refunded": 1, "voided": 0}


def test_a_late_failure_never_undoes_captured_money(client: TestClient, central: Central, placed: dict,
                                                    clock, admin_headers: dict[str, str]) -> None:
    clock.advance(16)
    client.post("/admin/sweep", headers=admin_headers)
    approve = three_ds(client, placed, "approve")
    assert approve.json()["result"] == "order_not_payable_refund_due"
    body, headers = signed(central, placed["payment"], "evt-late", outcome="failed")
    late = client.post("/payments/callback", content=body, headers=headers).json()
    assert late["result"] == "late_failure_ignored"
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert (order["status"], order["payment"]["status"]) == ("EXPIRED", "REFUND_DUE")


def test_the_3ds_page_acts_only_for_the_orders_own_customer(client: TestClient, central: Central, placed: dict,
                                                            customer_headers: Headers,
                                                            admin_headers: dict[str, str]) -> None:
    url = f"/sandbox/3ds/{placed['payment']['payment_id']}"
    assert client.post(url, json={"outcome": "approve"}).status_code == 401
    assert client.post(url, json={"outcome": "approve"}, headers=admin_headers).status_code == 403
    other = client.post(url, json={"outcome": "approve"}, headers=customer_headers("mallory"))
    assert other.status_code == 404
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert (order["status"], order["payment"]["status"]) == ("PENDING_PAYMENT", "PENDING")
    assert three_ds(client, placed).json()["result"] == "paid"


class CardAcquirer(Acquirer):
    """Stands for any real acquirer: it has no 3-D Secure page of ours to answer."""

    def create_intent(self, payment_id: str, amount_minor: int, currency: str) -> PaymentIntent:
        return PaymentIntent(f"card-{payment_id}", f"https://bank.example/3ds/{payment_id}")

    def parse_callback(self, body: bytes, signature: str | None) -> CallbackEvent:
        raise BadSignature("not in this test")

    def void_intent(self, payment_id: str, acquirer_ref: str) -> None:
        raise AcquirerError("not in this test")

    def open_intents(self, after: IntentMark | None, older_than: timedelta, limit: int) -> list[OpenIntent]:
        raise AcquirerError("not in this test")

    def refund(self, payment_id: str, acquirer_ref: str, amount_minor: int, currency: str, *,
               idempotency_key: str) -> str:
        raise AcquirerError("not in this test")


def test_the_3ds_page_exists_only_with_the_sandbox_acquirer(client: TestClient, central: Central,
                                                             placed: dict) -> None:
    central.acquirer = CardAcquirer()
    resp = three_ds(client, placed)
    assert resp.status_code == 404
    assert "only with the sandbox acquirer" in resp.json()["error"]["message"]
