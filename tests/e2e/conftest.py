"""A whole loop on one machine for end-to-end tests: central (SQLite file), one edge node that
syncs with it, a storefront — all real processes, each of which a test may kill -9."""

from __future__ import annotations

import random
import secrets
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from edge.config import WarehouseConfig
from edge.domain import commands as c
from edge.ledger.writer import LedgerWriter
from edge.seeding import seed
from simulators.processes import central_keys, start_central, start_node, stop, verify_ledger
from simulators.reconcile import reconcile
from simulators.shop import Shop
from simulators.workload import free_port, scratch_config


@dataclass
class SyncRig:
    tmp: Path
    port: int = field(default_factory=free_port)
    keys: dict = field(default_factory=central_keys)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    central: subprocess.Popen | None = None
    node: subprocess.Popen | None = None
    agent: subprocess.Popen | None = None
    endpoint: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_central(self) -> None:
        self.central, _, admin = start_central(f"sqlite:///{self.tmp / 'central.db'}", self.port, keys=self.keys)
        self.shop = Shop(self.base, admin)

    def open_warehouse(self, skus: int, units: int, via: str | None = None, embedded: bool = True) -> WarehouseConfig:
        self.config, self.cfg = scratch_config(self.tmp, central=via or self.base, token=self.token,
                                               sync_timeouts=(2.0, 1.0), embedded_sync=embedded, metrics=True)
        self.shop.open_warehouse(self.cfg.id, self.token, skus)
        seed(self.cfg, skus, units)
        self.skus = skus
        return self.cfg

    def start_node(self) -> None:
        self.node, self.endpoint = start_node(self.config)

    def start_agent(self) -> None:
        self.agent = subprocess.Popen([sys.executable, "-m", "edge.sync_process", "--config", str(self.config)],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.agent.stdout.readline().startswith("READY"), "sklad-sync did not start"

    def edge_state(self) -> dict:
        with sqlite3.connect(self.cfg.ledger_path) as conn:
            state = dict(conn.execute("SELECT name, value FROM sync_state"))
            last = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM movements").fetchone()[0]
            shipments = conn.execute("SELECT COUNT(*) FROM shipments").fetchone()[0]
        return {"last_seq": last, "acked": int(state.get("upload_acked_seq", 0)),
                "feed": int(state.get("feed_applied_seq", 0)), "shipments": shipments}

    def central_state(self) -> dict:
        auth = {"Authorization": f"Bearer {self.token}"}
        cursor = requests.get(f"{self.base}/sync/v1/warehouses/{self.cfg.id}/cursor", headers=auth, timeout=5).json()
        feed = requests.get(f"{self.base}/admin/warehouses/{self.cfg.id}/feed", params={"after": 0, "limit": 1},
                            headers={"Authorization": f"Bearer {self.shop.admin_token}"}, timeout=5).json()
        return {"last_seq": cursor["last_seq"], "feed_last": feed["last_seq"]}

    def converged(self) -> bool:
        try:
            edge, central = self.edge_state(), self.central_state()
        except (requests.RequestException, KeyError, sqlite3.Error):
            return False
        return edge["last_seq"] == edge["acked"] == central["last_seq"] and edge["feed"] == central["feed_last"]

    def wait_converged(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.converged():
            assert time.monotonic() < deadline, f"no convergence: edge {self.edge_state()}"
            time.sleep(0.2)

    def assert_consistent(self) -> None:
        """Central's stock equals the edge's, per SKU (on hand and unsellable); the ledger verifies."""
        differ = reconcile(self.shop, self.cfg.id, self.cfg.ledger_path)
        assert not differ, f"central vs edge differ for {len(differ)} SKUs: {differ[:5]}"
        verified = verify_ledger(self.cfg.ledger_path)
        assert verified.returncode == 0, verified.stdout

    def buy(self, count: int) -> list[tuple[str, str]]:
        return buy(self.shop, count, self.skus)

    def start_sync(self) -> None:
        """Start whatever syncs this node: the node itself, or the standalone agent."""
        if self.node is None or self.node.poll() is not None:
            self.start_node()
        if not self.cfg.sync_embedded:
            self.start_agent()

    def prepare_backlog(self, orders: int = 8, receipts: int = 120) -> list[tuple[str, str]]:
        """Sync the stock, take paid orders, stop syncing, then book receipts on the floor:
        the next start has movements to upload and fulfilment orders to download at once."""
        self.start_sync()
        self.wait_converged()
        bought = self.buy(orders)
        for proc in (self.agent, self.node):
            if proc is not None:
                stop(proc)
        book_receipts(self.cfg, receipts)
        return bought

    def close(self) -> None:
        for proc in (self.agent, self.node, self.central):
            if proc is not None and proc.poll() is None:
                stop(proc)


def buy(shop: Shop, count: int, skus: int) -> list[tuple[str, str]]:
    rng = random.Random(3)
    orders = []
    for n in range(count):
        order = shop.buy(f"c{n}", {f"SKU-{rng.randint(1, skus):06d}": 2}, "PVZ-001")
        orders.append((order["order_id"], f"c{n}"))
    return orders


def book_receipts(cfg: WarehouseConfig, count: int) -> None:
    """Goods received and put away while the uplink is down (through the ledger's own writer)."""
    writer = LedgerWriter(cfg.ledger_path).start()
    try:
        for n in range(count):
            sku = f"SKU-{n % 40 + 1:06d}"
            receive = c.Receive(f"late-rcv-{n}", sku, 1, "RCV-02")
            putaway = c.Move(f"late-put-{n}", sku, 1, "RCV-02", "STG-01")
            for cmd in (receive, putaway):
                assert writer.execute_sync(cmd).ok
    finally:
        writer.stop()


@pytest.fixture
def rig(tmp_path):
    loop = SyncRig(tmp_path)
    loop.start_central()
    yield loop
    loop.close()
