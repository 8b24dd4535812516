"""Item 10 of issue 14 against a real `sklad-central serve` on SQLite and the node's real sync agent.

Central restored from an older backup: the edge notices central's movement cursor behind what it
acknowledged and sends again what central lost, until central's stock matches the floor's; it
raises a feed that went back below its cursor. A fenced node (its own ledger restored) comes
back with `sklad-edge rejoin`: a new epoch, and central records where its stock differed."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from support_central import levels
from support_serve import _wait_healthy, free_port

from central.bootstrap import Central, bootstrap
from central.services.catalog import Site, SkuRecord, set_warehouse_token, upsert_skus, upsert_warehouse
from central.services.discrepancies import list_discrepancies
from central.settings import Settings
from central.stock import get_level, list_levels
from edge.cli import main as sklad_edge
from edge.config import load_config
from edge.domain import commands as c
from edge.ledger.writer import LedgerWriter
from edge.rejoin import stock_as_it_stands
from edge.seeding import seed
from edge.sync_bridge import sync_status
from edge.sync_process import running_sync
from sync.agent import SyncAgent

pytestmark = pytest.mark.e2e
SAMPLE = Path(__file__).resolve().parents[3] / "edge" / "samples" / "warehouse.toml"
TOKEN = "restore-sync-token-0123456789abcdef-0123456789"
SECRETS = {"admin_token": "restore-admin-0123456789", "secret": "restore-secret-0123456789",
           "acquirer_secret": "restore-acquirer-0123456789"}


def sku(n: int) -> SkuRecord:
    return SkuRecord(f"SKU-{n:06d}", "seller-1", f"Sample product {n}", (), 150, 100, 100, 100, False, 100_00)


@pytest.fixture
def central_db(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[Path, Central]]:
    path = tmp_path / "central.db"
    shutil.copy(sqlite_template, path)
    central = bootstrap(Settings(db_url=f"sqlite:///{path}", public_url="http://testserver", **SECRETS).check())
    yield path, central
    central.db.dispose()


@pytest.fixture
def edge_cfg(tmp_path: Path, central_db):  # type: ignore[no-untyped-def]
    _, central = central_db
    cfg = replace(load_config(SAMPLE), ledger_path=tmp_path / "ledger.db", sync_token=TOKEN, sync_feed_wait_s=0.3)
    assert not seed(cfg, skus=3, units=5)["failed"]  # six movements: three receipts, three put-aways
    upsert_skus(central, [sku(n) for n in range(1, 4)])
    upsert_warehouse(central, Site(cfg.id, "Moscow FC 1", 55.7, 37.6))
    set_warehouse_token(central, cfg.id, TOKEN)
    return cfg


class Serve:
    """`sklad-central serve` on one port, stopped and started again over the same database file."""

    def __init__(self, path: Path, log: Path):
        self.path, self.log, self.port = path, log, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        env = dict(os.environ, **{f"SKLAD_CENTRAL_{k.upper()}": v for k, v in SECRETS.items()})
        with self.log.open("a") as log:
            self.proc = subprocess.Popen([str(Path(sys.executable).parent / "sklad-central"), "serve", "--db",
                                          f"sqlite:///{self.path}", "--port", str(self.port), "--no-access-log"],
                                         env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_healthy(self.url, self.proc, self.log)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=15)

    def backup(self, to: Path) -> None:
        """A consistent copy of the live database, as SQLite's online backup makes it."""
        src, dst = sqlite3.connect(self.path), sqlite3.connect(to)
        with dst:
            src.backup(dst)
        src.close()
        dst.close()

    def restore(self, backup: Path) -> None:
        self.stop()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        shutil.copy(backup, self.path)
        self.start()


@contextmanager
def serving(path: Path, tmp_path: Path) -> Iterator[Serve]:
    serve = Serve(path, tmp_path / "serve.log")
    serve.start()
    try:
        yield serve
    finally:
        serve.stop()


@contextmanager
def agent_running(cfg) -> Iterator[tuple[LedgerWriter, SyncAgent]]:  # type: ignore[no-untyped-def]
    with running_sync(cfg) as (writer, agent):
        agent.cursor_check_every, agent.idle_wait = 0.3, 0.02  # look at central's cursor often
        yield writer, agent

def wait_until(check, what: str, timeout: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def stock_matches(central: Central, cfg) -> bool:  # type: ignore[no-untyped-def]
    """Central holds the floor's on hand and unsellable units of every SKU the floor holds."""
    _, split = stock_as_it_stands(cfg.ledger_path)
    with central.db.read() as conn:
        held = {s.sku: (s.on_hand, s.unsellable) for s in list_levels(conn, warehouse_id=cfg.id)}
    return all(held.get(sku, (0, 0)) == pair for sku, pair in split.items())


def quarantine(writer: LedgerWriter, cfg, key: str, sku_: str, qty: int) -> None:  # type: ignore[no-untyped-def]
    """A supervisor takes `qty` units of `sku_` off a shelf into quarantine."""
    with sqlite3.connect(cfg.ledger_path) as conn:
        (shelf,) = conn.execute("SELECT b.location FROM balances b JOIN locations l ON l.code = b.location "
                                "WHERE b.sku = ? AND b.on_hand >= ? AND l.type IN ('reserve', 'pick_face')",
                                (sku_, qty)).fetchone()
    outcome = writer.execute_sync(c.Move(key, sku_, qty, shelf, "QUA-01"))
    assert outcome.ok, outcome.message


def receive(writer: LedgerWriter, key: str, sku_: str, qty: int) -> None:
    outcome = writer.execute_sync(c.Receive(key, sku_, qty, "RCV-01"))
    assert outcome.ok, outcome.message


def test_a_central_restored_from_a_backup_gets_back_what_it_lost(central_db, edge_cfg, tmp_path: Path) -> None:
    path, central = central_db
    with serving(path, tmp_path) as serve:
        cfg = replace(edge_cfg, central_url=serve.url)
        with agent_running(cfg) as (writer, agent):
            wait_until(lambda: agent.outbox.acked_seq() == 6 and agent.status.feed_cursor == 3, "the first sync")
            serve.backup(tmp_path / "backup.db")
            receive(writer, "after-backup-1", "SKU-000001", 7)
            receive(writer, "after-backup-2", "SKU-000002", 2)
            upsert_skus(central, [sku(4)])  # a feed entry the backup does not have
            wait_until(lambda: agent.outbox.acked_seq() == 8 and agent.status.feed_cursor == 4, "the second sync")
            assert levels(central, "SKU-000001") == {cfg.id: (12, 0)}

            central.db.dispose()  # no connection of this process may hold the old file across the restore
            serve.restore(tmp_path / "backup.db")
            assert levels(central, "SKU-000001") == {cfg.id: (5, 0)}  # central lost two movements
            wait_until(lambda: stock_matches(central, cfg) and agent.status.feed_problem, "the resend")
            assert levels(central, "SKU-000001") == {cfg.id: (12, 0)}
            assert levels(central, "SKU-000002") == {cfg.id: (7, 0)}
            assert agent.status.cursor_rewinds >= 1
            assert "ends at entry 3" in agent.status.feed_problem and "4..4" in agent.status.feed_problem
            wait_until(lambda: sync_status(cfg.ledger_path)["feed_problem"], "the feed problem in the ledger")
            assert "ends at entry 3" in sync_status(cfg.ledger_path)["last_feed_rewind"]
            # Movements after the restore flow as usual.
            receive(writer, "after-restore", "SKU-000003", 1)
            wait_until(lambda: stock_matches(central, cfg), "the next movement")
            assert levels(central, "SKU-000003") == {cfg.id: (6, 0)}


def test_a_fenced_node_comes_back_with_rejoin(central_db, edge_cfg, tmp_path: Path, capsys) -> None:
    path, central = central_db
    with serving(path, tmp_path) as serve:
        cfg = replace(edge_cfg, central_url=serve.url)
        shutil.copy(cfg.ledger_path, tmp_path / "ledger-backup.db")  # node stopped: a plain copy is consistent
        with agent_running(cfg) as (writer, agent):
            receive(writer, "lost-1", "SKU-000001", 4)
            wait_until(lambda: agent.outbox.acked_seq() == 7, "the upload")
        # The node's disk dies; its ledger comes back from the backup, and the floor moves on.
        for suffix in ("-wal", "-shm"):
            Path(f"{cfg.ledger_path}{suffix}").unlink(missing_ok=True)
        shutil.copy(tmp_path / "ledger-backup.db", cfg.ledger_path)
        with agent_running(cfg) as (writer, agent):
            receive(writer, "after-restore-1", "SKU-000002", 3)  # seq 7 again, with other content
            quarantine(writer, cfg, "after-restore-2", "SKU-000002", 2)
            wait_until(lambda: agent.status.state == "fenced", f"the fence {agent.status}")
            assert "sklad-edge rejoin" in agent.status.problem
        assert sync_status(cfg.ledger_path)["state"] == "fenced"

        args = ["rejoin", "--config", str(SAMPLE), "--ledger", str(cfg.ledger_path), "--reason", "ledger restored"]
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("edge.cli.load_config", lambda _: cfg)
            assert sklad_edge(args) == 0
            out = capsys.readouterr()
            assert '"epoch": 2' in out.out and "restart the node" in out.err
        # Central took the floor's stock: SKU-000001 is 5 on the floor (the 4 received were lost with the
        # disk), 9 at central; SKU-000002 is 8 on the floor.
        found = {(d.sku, d.kind, d.on_hand_before, d.delta) for d in list_discrepancies(central, cfg.id, False, 0, 100)}
        assert ("SKU-000001", "rejoin", 9, -4) in found and ("SKU-000002", "rejoin", 5, 3) in found
        assert ("SKU-000002", "rejoin_unsellable", 0, 2) in found  # the 2 quarantined are not for sale
        assert stock_matches(central, cfg)
        with central.db.read() as conn:
            assert get_level(conn, cfg.id, "SKU-000002").available == 6
        with agent_running(cfg) as (writer, agent):
            receive(writer, "after-rejoin", "SKU-000003", 2)
            wait_until(lambda: agent.outbox.acked_seq() == agent.outbox.last_seq() and stock_matches(central, cfg),
                       "uploads of the new epoch")
            assert agent.status.state == "online" and agent.epoch == 2
        assert levels(central, "SKU-000003") == {cfg.id: (7, 0)}
