"""A real edge ledger (writer process, sync agent) beside a real `sklad-central serve`, stepped by
hand: the sample warehouse seeded with SKU-000001, an order for it paid through the sandbox."""

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
    try:
        yield writer, build_agent(cfg, writer)
    finally:
        writer.stop()


@pytest.fixture
def http(base: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base, timeout=15) as client:
        yield client


def customer(http: httpx.Client, customer_id: str) -> dict[str, str]:
    token = http.post(f"/admin/customers/{customer_id}/token", headers=ADMIN_H).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def sync(agent) -> None:  # type: ignore[no-untyped-def]
    """One round of every direction, as the agent's threads do, until nothing is left to move."""
    while agent.upload_once() or agent.download_once() or agent.report_once():
        pass


def ok(writer: LedgerWriter, command: c.Command) -> dict:
    outcome = writer.execute_sync(command)
    assert outcome.ok, outcome.message
    return outcome.result


def paid_order(http: httpx.Client, who: dict, key: str, qty: int) -> dict:
    placed = http.post("/orders", headers=who, json={"idempotency_key": key, "pickup_point_id": "pp-msk",
                                                     "lines": [{"sku": SKU, "qty": qty}]})
    assert placed.status_code == 201, placed.text
    body = placed.json()
    paid = http.post(f"/sandbox/3ds/{body['payment']['payment_id']}", headers=who, json={"outcome": "approve"})
    assert paid.json()["result"] == "paid", paid.text
    return body


def ledger_rows(cfg, sql: str, *args) -> list[tuple]:  # type: ignore[no-untyped-def]
    conn = connect(cfg.ledger_path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def pick_tasks(cfg, shipment_id: str) -> list[tuple]:  # type: ignore[no-untyped-def]
    return ledger_rows(cfg, "SELECT id, location, sku, qty FROM tasks WHERE shipment_id = ? AND kind = 'pick' "
                       "AND state = 'assigned'", shipment_id)


def ship(cfg, writer: LedgerWriter, shipment_id: str, tote: str, operator: str) -> None:  # type: ignore[no-untyped-def]
    ok(writer, c.NextTask(f"next-{shipment_id}", operator=operator))
    for task_id, location, sku, qty in pick_tasks(cfg, shipment_id):
        ok(writer, c.ConfirmPick(f"pick-{task_id}", task_id, location, sku, tote, qty, operator=operator))
    ok(writer, c.Pack(f"pack-{shipment_id}", tote, shipment_id, "PACK-02"))
    ok(writer, c.Ship(f"ship-{shipment_id}", shipment_id, "DOCK-01"))
