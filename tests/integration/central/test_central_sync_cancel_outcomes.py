"""Issue 14 item 5 across the real pieces: a real edge ledger (writer process, feed inbox, outcome
reports) syncing with a real `sklad-central serve`. A cancel after a partial pick is applied on the
floor and central refunds; a cancel after the ship movement is refused as `already_shipped` and the
order stays, saying why."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from support_serve import ADMIN, serving

from central.bootstrap import Central
from central.services.catalog import (
    Site,
    SkuRecord,
    set_warehouse_token,
    upsert_pickup_points,
    upsert_skus,
    upsert_warehouse,
)
from edge.config import load_config
from edge.domain import commands as c
from edge.ledger.database import connect
from edge.ledger.writer import LedgerWriter
from edge.seeding import seed
from edge.sync_bridge import build_agent

pytestmark = pytest.mark.e2e
SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"
TOKEN = "edge-sync-token-0123456789abcdef-0123456789"
ADMIN_H = {"Authorization": f"Bearer {ADMIN}"}
SKU = "SKU-000001"


@pytest.fixture
def edge_cfg(tmp_path: Path):  # type: ignore[no-untyped-def]
    cfg = replace(load_config(SAMPLE), ledger_path=tmp_path / "ledger.db")
    assert not seed(cfg, skus=1, units=10)["failed"]
    return cfg


@pytest.fixture
def base(central: Central, db_url: str, edge_cfg, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    upsert_skus(central, [SkuRecord(SKU, "seller-1", "Sample product 1", (), 150, 100, 100, 100, False, 100_00)])
    upsert_warehouse(central, Site(edge_cfg.id, "Moscow FC 1", 55.7, 37.6))
    upsert_pickup_points(central, [Site("pp-msk", "Moscow PVZ", 55.76, 37.60)])
    set_warehouse_token(central, edge_cfg.id, TOKEN)
    with serving(db_url, tmp_path / "serve.log") as url:
        yield url


@pytest.fixture
def node(edge_cfg, base: str) -> Iterator[tuple[LedgerWriter, object]]:  # type: ignore[no-untyped-def]
    cfg = replace(edge_cfg, central_url=base, sync_token=TOKEN, sync_feed_wait_s=0.2, sync_timeout_s=10.0)
    writer = LedgerWriter(cfg.ledger_path).start()
    agent = build_agent(cfg, writer)
    try:
        yield writer, agent
    finally:
        writer.stop()


def sync(agent) -> None:  # type: ignore[no-untyped-def]
    """One round of every direction, as the agent's threads do, until nothing is left to move."""
    while agent.upload_once() or agent.download_once() or agent.report_once():
        pass


def ok(writer: LedgerWriter, command: c.Command) -> dict:
    outcome = writer.execute_sync(command)
    assert outcome.ok, outcome.message
    return outcome.result


def paid_order(http: httpx.Client, customer: dict, key: str, qty: int) -> dict:
    placed = http.post("/orders", headers=customer, json={"idempotency_key": key, "pickup_point_id": "pp-msk",
                                                          "lines": [{"sku": SKU, "qty": qty}]})
    assert placed.status_code == 201, placed.text
    body = placed.json()
    paid = http.post(f"/sandbox/3ds/{body['payment']['payment_id']}", headers=customer, json={"outcome": "approve"})
    assert paid.json()["result"] == "paid", paid.text
    return body


def pick_tasks(cfg, shipment_id: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    conn = connect(cfg.ledger_path)
    try:
        return conn.execute("SELECT id, location, sku, qty FROM tasks WHERE shipment_id = ? AND kind = 'pick' "
                            "AND state = 'assigned'", (shipment_id,)).fetchall()
    finally:
        conn.close()


def test_the_floors_answers_to_cancels_drive_centrals_orders(base: str, edge_cfg, node) -> None:  # type: ignore[no-untyped-def]
    writer, agent = node
    http = httpx.Client(base_url=base, timeout=15)
    token = http.post("/admin/customers/alice/token", headers=ADMIN_H).json()["token"]
    alice = {"Authorization": f"Bearer {token}"}
    sync(agent)  # the seeded stock reaches central
    partial, shipped = paid_order(http, alice, "o-partial", 3), paid_order(http, alice, "o-shipped", 2)
    sync(agent)  # both fulfilment orders reach the floor
    first, second = (o["shipments"][0]["shipment_id"] for o in (partial, shipped))

    ok(writer, c.NextTask("next-1", operator="B1001"))
    task_id, location, sku, _ = pick_tasks(edge_cfg, first)[0]
    ok(writer, c.ConfirmPick("pick-1", task_id, location, sku, "T00001", 1, operator="B1001"))  # 1 of 3
    ok(writer, c.NextTask("next-2", operator="B1002"))
    for task_id, location, sku, qty in pick_tasks(edge_cfg, second):
        ok(writer, c.ConfirmPick(f"pick-{task_id}", task_id, location, sku, "T00002", qty, operator="B1002"))
    ok(writer, c.Pack("pack-2", "T00002", second, "PACK-02"))
    ok(writer, c.Ship("ship-2", second, "DOCK-01"))

    for order in (partial, shipped):
        resp = http.post(f"/orders/{order['order_id']}/cancel", headers=alice)
        assert resp.json()["status"] == "CANCEL_REQUESTED", resp.text
    # The cancels come down and the floor's answers go up before the ship movement does (the
    # uplink for movements can lag behind the feed: both orders of arrival must hold).
    while agent.download_once() or agent.report_once():
        pass
    kept = http.get(f"/orders/{shipped['order_id']}", headers=alice).json()
    assert (kept["status"], kept["payment"]["status"]) == ("PAID", "SUCCEEDED")
    assert f"shipment {second} had already left" in kept["cancel_refused"]
    sync(agent)

    seen = http.get(f"/orders/{partial['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("CANCELLED", "REFUND_DUE")
    kept = http.get(f"/orders/{shipped['order_id']}", headers=alice).json()
    assert (kept["status"], kept["payment"]["status"]) == ("FULFILLED", "SUCCEEDED")
    assert f"shipment {second} had already left" in kept["cancel_refused"]
    assert http.post("/admin/sweep", headers=ADMIN_H).json()["refunded"] == 1  # only the applied cancel
    rejected = http.get("/admin/feed-rejections", params={"warehouse_id": edge_cfg.id}, headers=ADMIN_H).json()
    assert [(r["code"], r["shipment_id"]) for r in rejected] == [("already_shipped", second)]
    conn = connect(edge_cfg.ledger_path)
    try:  # the picked unit went back to stock through staging, as movements
        put_back = conn.execute("SELECT qty FROM tasks WHERE kind = 'putaway' AND reason LIKE ?",
                                (f"%{first}%",)).fetchall()
    finally:
        conn.close()
    assert put_back == [(1,)]
