"""Units the floor will not pick are not for sale: a return waiting for inspection or stock in
quarantine is on hand at central but neither shown as available nor held by a checkout, on SQLite
and PostgreSQL alike (the checkout's hold there is the function checkout_record)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_central import order_body
from support_sync import batch, mv, set_tokens, upload

import central.services.checkout as checkout
from central.bootstrap import Central
from central.services.discrepancies import list_discrepancies
from central.stock import available_sql
from central.sync.stock_deltas import NEGATIVE_UNSELLABLE

RETURNS, QUARANTINE, FACE = ("RET-01", False), ("QUA-01", False), ("A-01-01-1", True)


def between(seq: int, kind: str, qty: int, frm: tuple, to: tuple):  # type: ignore[no-untyped-def]
    """A FLASH movement from one location to another, each with its sellable flag (None, None: outside)."""
    return mv(seq, kind, "FLASH", qty, from_location=frm[0], from_sellable=frm[1], to_location=to[0],
              to_sellable=to[1])


def for_sale(client: TestClient) -> int:
    item = client.get("/catalog/items/FLASH", params={"pickup_point": "pp-msk"}).json()["availability"]
    hits = client.get("/catalog/search", params={"q": "item", "in_stock": "true", "page_size": 100}).json()["hits"]
    assert item["in_stock"] == ("FLASH" in {h["sku"] for h in hits})
    return item["available"]


def row(client: TestClient, admin: dict[str, str]) -> tuple[int, int, int, int]:
    (level,) = client.get("/admin/stock", params={"sku": "FLASH", "warehouse_id": "wh-msk"}, headers=admin).json()
    return level["on_hand"], level["reserved"], level["unsellable"], level["available"]


@pytest.fixture
def alice(network: Central, customer_headers: Callable[[str], dict[str, str]]) -> dict[str, str]:
    return customer_headers("alice")


def test_a_return_is_for_sale_only_once_restocked(client: TestClient, network: Central,
                                                  admin_headers: dict[str, str], alice: dict[str, str]) -> None:
    set_tokens(client, admin_headers)
    assert upload(client, batch([mv(1, "receive", "FLASH", 7)])).status_code == 200
    returned = batch([mv(1, "receive", "FLASH", 7), between(2, "return", 3, (None, None), RETURNS)])
    assert upload(client, returned).json()["applied"] == 1
    assert upload(client, returned).json()["duplicates"] == 2  # a replay changes nothing
    assert row(client, admin_headers) == (10, 0, 3, 7)
    assert for_sale(client) == 7
    refused = client.post("/orders", json=order_body("k1", "pp-msk", FLASH=8), headers=alice)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "out_of_stock"

    assert upload(client, batch([between(3, "move", 1, RETURNS, FACE)])).status_code == 200  # restocked
    assert for_sale(client) == 8
    assert upload(client, batch([between(4, "move", 1, RETURNS, QUARANTINE),  # failed inspection
                                 between(5, "adjust", 1, RETURNS, (None, None))])).status_code == 200  # disposed
    assert row(client, admin_headers) == (9, 0, 1, 8)
    assert client.post("/orders", json=order_body("k2", "pp-msk", FLASH=8), headers=alice).status_code == 201
    assert for_sale(client) == 0
    last = client.post("/orders", json=order_body("k3", "pp-msk", FLASH=1), headers=alice)
    assert last.status_code == 409, last.text  # the one in quarantine stays off sale
    assert row(client, admin_headers) == (9, 8, 1, 0)


def test_the_hold_itself_refuses_units_not_for_sale(client: TestClient, network: Central,
                                                    admin_headers: dict[str, str], alice: dict[str, str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """The checkout's read saw the units before a return's arrival made them look more than they are:
    the hold (SQLite's conditional UPDATE, PostgreSQL's checkout_record) judges by the same rule."""
    set_tokens(client, admin_headers)
    assert upload(client, batch([mv(1, "receive", "FLASH", 2),
                                 between(2, "return", 3, (None, None), RETURNS)])).status_code == 200
    snapshot = checkout._snapshot

    def stale(*args):  # type: ignore[no-untyped-def]
        snap = snapshot(*args)
        snap.available.setdefault("wh-msk", {})["FLASH"] = 5  # the 3 returned counted as for sale
        return snap

    monkeypatch.setattr(checkout, "_snapshot", stale)
    refused = client.post("/orders", json=order_body("k1", "pp-msk", FLASH=3), headers=alice)
    assert refused.status_code == 409 and "selling fast" in refused.json()["error"]["message"]
    assert row(client, admin_headers) == (5, 0, 3, 2)
    assert client.post("/orders", json=order_body("k2", "pp-msk", FLASH=2), headers=alice).status_code == 201
    assert row(client, admin_headers) == (5, 2, 3, 0)


def test_unsellable_never_goes_below_zero(client: TestClient, network: Central, admin_headers: dict[str, str]) -> None:
    # a restock of a return central never saw (received before the upgrade that brought the split)
    set_tokens(client, admin_headers)
    moved = batch([mv(1, "receive", "FLASH", 4), between(2, "move", 2, RETURNS, FACE)])
    assert upload(client, moved).status_code == 200
    assert row(client, admin_headers) == (4, 0, 0, 4)
    (found,) = list_discrepancies(network, "wh-msk", False, 0, 10)
    assert (found.kind, found.on_hand_before, found.delta, found.shortfall) == (NEGATIVE_UNSELLABLE, 0, -2, 2)


@pytest.mark.postgres
def test_checkout_record_is_generated_from_the_rule(network: Central) -> None:
    if not network.db.is_postgres:
        pytest.skip("checkout_record is PostgreSQL's")
    with network.db.read() as conn:
        body = conn.execute(sa.text("SELECT pg_get_functiondef('checkout_record'::regproc)")).scalar_one()
    assert f"SELECT {available_sql()} INTO units FROM stock" in body
