"""Fixtures for the edge integration tests: a real ledger file per test, seeded once and copied.

The seeded stock (through the real commands):
  MUG  (not lot-tracked, barcode 4600000000011): A-01-01 pick face 20, A-05-01 pick face 30, A-01-03 reserve 50
  MILK (lot-tracked): A-02-01 lot L0 5 (expired 2020-01-01), C-10-01 lot L2 10 (2029-06-01),
                      B-01-01 lot L1 10 (2030-01-01)
  TEA  (not lot-tracked): A-03-01 pick face 5
  LAMP (in the catalog, no stock)
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import apsw
import pytest

from edge.config import WarehouseConfig, load_config
from edge.domain import commands as c
from edge.ledger.batch import Outcome, apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.database import open_ledger
from edge.ledger.uow import UnitOfWork
from edge.ledger.verify import Report, verify

SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"
MUG_GTIN = "4600000000011"
STOCK = [  # sku, location, qty, lot, expiry
    ("MUG", "A-01-01", 20, None, None),
    ("MUG", "A-05-01", 30, None, None),
    ("MUG", "A-01-03", 50, None, None),
    ("MILK", "A-02-01", 5, "L0", date(2020, 1, 1)),
    ("MILK", "C-10-01", 10, "L2", date(2029, 6, 1)),
    ("MILK", "B-01-01", 10, "L1", date(2030, 1, 1)),
    ("TEA", "A-03-01", 5, None, None),
]


def seed_commands() -> list[c.Command]:
    cmds: list[c.Command] = [
        c.UpsertSku("seed-mug", "MUG", "Mug", (MUG_GTIN,), 350),
        c.UpsertSku("seed-milk", "MILK", "Milk 1l", (), 1030, lot_tracked=True),
        c.UpsertSku("seed-tea", "TEA", "Tea", (), 100),
        c.UpsertSku("seed-lamp", "LAMP", "Lamp", (), 900),
    ]
    for i, (sku, bin_, qty, lot, expiry) in enumerate(STOCK):
        cmds.append(c.Receive(f"seed-rcv-{i}", sku, qty, "RCV-01", lot, expiry))
        cmds.append(c.Move(f"seed-put-{i}", sku, qty, "RCV-01", bin_, lot))
    return cmds


@dataclass
class Ledger:
    """A ledger file opened the way the writer opens it, with helpers to act and to look."""

    conn: apsw.Connection  # the writer's kind of connection: the unit of work runs on it
    uow: UnitOfWork

    def run(self, *commands: c.Command) -> list[Outcome]:
        return apply_batch(self.uow, list(commands))

    def ok(self, command: c.Command) -> dict:
        (outcome,) = self.run(command)
        assert outcome.ok, outcome.message
        return outcome.result

    def refused(self, command: c.Command, code: str, *words: str) -> str:
        """Apply a command that must be refused with `code`; checks the ledger did not change at all."""
        before = self.snapshot()
        (outcome,) = self.run(command)
        assert not outcome.ok, f"{command} was accepted: {outcome.result}"
        assert outcome.error == code, outcome.message
        for word in words:
            assert word in outcome.message, outcome.message
        assert self.snapshot() == before
        assert self.verify().ok
        return outcome.message

    def scalar(self, sql: str, *args):
        return self.conn.execute(sql, args).fetchone()[0]

    def rows(self, sql: str, *args) -> list[tuple]:
        return self.conn.execute(sql, args).fetchall()

    def snapshot(self) -> dict:
        return {
            "movements": self.scalar("SELECT COUNT(*) FROM movements"),
            "balances": self.rows("SELECT * FROM balances ORDER BY sku, location, lot"),
            "tasks": self.rows("SELECT id, state, qty, done_qty, tote, assignee FROM tasks ORDER BY id"),
            "shipments": self.rows("SELECT id, status, tote FROM shipments ORDER BY id"),
            "lines": self.rows("SELECT * FROM shipment_lines ORDER BY shipment_id, sku"),
            "totes": self.rows("SELECT * FROM totes WHERE shipment_id IS NOT NULL ORDER BY code"),
            "answers": self.scalar("SELECT COUNT(*) FROM idempotency"),
        }

    def balance(self, sku: str, location: str, lot: str = "") -> tuple[int, int]:
        row = self.conn.execute("SELECT on_hand, allocated FROM balances WHERE sku = ? AND location = ? AND lot = ?",
                                (sku, location, lot)).fetchone()
        return tuple(row) if row else (0, 0)

    def tasks(self, shipment_id: str, kind: str = "pick") -> list[dict]:
        return self.dicts("SELECT id, state, sku, lot, qty, done_qty, location, tote, assignee FROM tasks "
                          "WHERE shipment_id IS ? AND kind = ? ORDER BY id", shipment_id, kind)

    def shipment(self, shipment_id: str) -> dict:
        (row,) = self.dicts("SELECT id, status, tote, packed_at FROM shipments WHERE id = ?", shipment_id)
        return row

    def dicts(self, sql: str, *args) -> list[dict]:
        columns = [c.strip().split()[-1] for c in sql.split(" FROM ")[0].removeprefix("SELECT ").split(",")]
        return [dict(zip(columns, row, strict=True)) for row in self.rows(sql, *args)]

    def verify(self) -> Report:
        return verify(self.conn)

    def seqs(self) -> list[int]:
        return [s for (s,) in self.rows("SELECT seq FROM movements ORDER BY seq")]


def node_config(sample: WarehouseConfig, ledger_path: Path) -> WarehouseConfig:
    """The sample warehouse on a private ledger, ephemeral ports, no metrics, no sync."""
    return replace(sample, ledger_path=ledger_path, central_url=None, sync_token=None,
                   router_endpoint="tcp://127.0.0.1:0", pub_endpoint="tcp://127.0.0.1:0", metrics_port=None)


@pytest.fixture(scope="session")
def sample_config() -> WarehouseConfig:
    return load_config(SAMPLE)


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory, sample_config) -> Path:
    """A migrated, laid-out and seeded ledger, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "ledger.db"
    open_ledger(node_config(sample_config, path)).close()
    conn = connect_writer(path)
    outcomes = apply_batch(UnitOfWork(conn), seed_commands())
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    conn.close()  # the last connection checkpoints the WAL into the file
    return path


@pytest.fixture
def cfg(tmp_path, sample_config, seeded_template) -> WarehouseConfig:
    path = tmp_path / "ledger.db"
    shutil.copyfile(seeded_template, path)
    return node_config(sample_config, path)


@pytest.fixture
def ledger(cfg) -> Iterator[Ledger]:
    conn = connect_writer(cfg.ledger_path)
    yield Ledger(conn, UnitOfWork(conn, adjust_reasons=cfg.adjust_reasons))
    conn.close()


@pytest.fixture
def allocated(ledger) -> tuple[Ledger, list[dict]]:
    """Shipment S1 (order O1) of 25 MUG allocated and handed to picker B1001: tasks at A-01-01 and A-05-01."""
    ledger.ok(c.AllocateShipment("alloc-S1", "S1", "O1", (c.OrderLine("MUG", 25),)))
    ledger.ok(c.NextTask("next-S1", operator="B1001"))
    return ledger, ledger.tasks("S1")
