"""Running the node's real sync agent (LedgerWriter + ledger outbox/inbox + HTTP client) against
a scripted central on a real socket."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from central_ahead import TOKEN, CentralAhead, serve

from edge.config import WarehouseConfig
from edge.domain import commands as c
from edge.ledger.verify import verify
from edge.ledger.writer import LedgerWriter
from edge.sync_process import running_sync
from sync.agent import SyncAgent

SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"


def wait_until(check: Callable[[], object], timeout: float = 20.0, what: str = "the condition") -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextmanager
def central_ahead(cfg: WarehouseConfig) -> Iterator[tuple[CentralAhead, WarehouseConfig]]:
    central = CentralAhead(cfg.id)
    server = serve(central)
    port = server.server_address[1]
    try:
        yield central, replace(cfg, central_url=f"http://127.0.0.1:{port}", sync_token=TOKEN,
                               sync_feed_wait_s=0.3, sync_timeout_s=5.0)
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def running_agent(cfg: WarehouseConfig, **agent_settings) -> Iterator[tuple[LedgerWriter, SyncAgent]]:
    with running_sync(cfg) as (writer, agent):
        for name, value in agent_settings.items():
            setattr(agent, name, value)
        yield writer, agent

def rows(cfg: WarehouseConfig, sql: str, *args) -> list[tuple]:
    """Read the ledger with the readers' driver (the writer's APSW stays in the writer process)."""
    conn = sqlite3.connect(f"file:{cfg.ledger_path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def verified(cfg: WarehouseConfig) -> bool:
    conn = sqlite3.connect(f"file:{cfg.ledger_path}?mode=ro", uri=True)
    try:
        return verify(conn).ok
    finally:
        conn.close()


def ok(writer: LedgerWriter, command: c.Command) -> dict:
    outcome = writer.execute_sync(command)
    assert outcome.ok, outcome.message
    return outcome.result


def pick_all(cfg: WarehouseConfig, writer: LedgerWriter, shipment: str, tote: str, operator: str = "B1001") -> None:
    ok(writer, c.NextTask(f"next-{shipment}", operator=operator))
    tasks = rows(cfg, "SELECT id, location, sku, qty FROM tasks WHERE shipment_id = ? AND kind = 'pick' "
                 "AND state = 'assigned'", shipment)
    for task_id, location, sku, qty in tasks:
        ok(writer, c.ConfirmPick(f"pick-{task_id}", task_id, location, sku, tote, qty, operator=operator))


def ship(cfg: WarehouseConfig, writer: LedgerWriter, shipment: str, tote: str) -> None:
    pick_all(cfg, writer, shipment, tote)
    ok(writer, c.Pack(f"pack-{shipment}", tote, shipment, "PACK-02"))
    ok(writer, c.Ship(f"ship-{shipment}", shipment, "DOCK-01"))
