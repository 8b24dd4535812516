"""Sync benchmark: an edge ledger full of unsynced movements catches up against central.

Builds a real edge ledger (the sample warehouse's layout, ~10,000 SKUs) holding N unsynced
movements (receive -> move -> pick -> pack -> ship cycles, balances consistent with them),
starts `sklad-central serve --workers 2` on PostgreSQL and on SQLite, and uploads through the
real path: SyncAgent.upload_once over the ledger's LedgerOutbox and the HTTP CentralClient.
Then, on PostgreSQL, movements are appended at 1,000/s while the agent runs, and the lag from
commit to acknowledgement is measured. Central's on hand per SKU is compared with the sum of
the edge's movements (`mismatches`). The physical bound, measured in the same run: plain psycopg
COPYing the same rows, in the same batch size, into a table with the same columns.

    python bench/sync.py [--quick]      # quick: 100,000 movements; full: 1,000,000

Last line of output: one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from central.sync.movement_rows import COLUMNS, rows  # noqa: E402
from edge.config import load_config  # noqa: E402
from edge.ledger.database import connect, load_layout, migrate  # noqa: E402
from edge.sync_bridge import ACKED, LedgerOutbox, node_identity  # noqa: E402
from simulators.databases import PG_DSN, scratch_database  # noqa: E402
from simulators.processes import central_keys, start_central, stop  # noqa: E402
from simulators.workload import free_port  # noqa: E402
from sync.agent import SyncAgent  # noqa: E402
from sync.client import CentralClient  # noqa: E402
from sync.movements import RECORDED, Movement, warehouse_delta  # noqa: E402

KEYS = central_keys()
ADMIN = KEYS["SKLAD_CENTRAL_ADMIN_TOKEN"]
TOKEN = "bench-sync-token-" + uuid.uuid4().hex
SAMPLE = ROOT / "edge" / "samples" / "warehouse.toml"
BATCH = SyncAgent.batch_max  # the agent's default batch size


@dataclass(frozen=True)
class Plan:
    movements: int
    skus: int
    steady_seconds: float


QUICK = Plan(movements=100_000, skus=10_000, steady_seconds=5)
FULL = Plan(movements=1_000_000, skus=10_000, steady_seconds=15)


def say(msg: str) -> None:
    print(msg, flush=True)


def sku_name(n: int) -> str:
    return f"SKU-{n:06d}"


# ---------------------------------------------------------------- the edge ledger


class Floor:
    """Generates realistic movement cycles for one SKU at a time, keeping the balances."""

    STEPS = ("receive", "move", "pick", "pack", "ship")

    def __init__(self, cfg, skus: int, seed: int = 7):
        by_type: dict[str, list[str]] = {}
        for loc in cfg.locations:
            by_type.setdefault(loc.type, []).append(loc.code)
        self.dock_in, self.faces = by_type["receiving"][0], by_type["pick_face"]
        self.station, self.dock_out = by_type["pack_station"][0], by_type["dock"][0]
        self.totes = cfg.tote_codes()
        self.skus = skus
        self.rng = random.Random(seed)
        self.balances: dict[tuple[str, str], int] = {}
        self.shipments = 0

    def cycle(self, seq: int, at: str) -> list[tuple]:
        """Five movements of one SKU: 5 received and put away, 2 picked, packed and shipped."""
        n = self.rng.randint(1, self.skus)
        sku, face = sku_name(n), self.faces[n % len(self.faces)]
        tote = self.totes[seq % len(self.totes)]
        self.shipments += 1
        shipment, order, task = f"shp-{self.shipments:08d}", f"ord-{self.shipments:08d}", self.shipments
        steps = [("receive", 5, None, self.dock_in, None, None, None),
                 ("move", 5, self.dock_in, face, None, None, None),
                 ("pick", 2, face, tote, order, shipment, task),
                 ("pack", 2, tote, self.station, order, shipment, None),
                 ("ship", 2, self.station, None, order, shipment, None)]
        self.balances[(sku, face)] = self.balances.get((sku, face), 0) + 3
        return [(seq + i, str(uuid.uuid4()), at, kind, sku, "", qty, frm, to, order_ref, ship_ref, task_ref,
                 "B1001", "term-1", f"dock {self.dock_out}" if kind == "ship" else None, f"k-{seq + i}")
                for i, (kind, qty, frm, to, order_ref, ship_ref, task_ref) in enumerate(steps)]


def insert_movements(conn: sqlite3.Connection, movements: list[tuple]) -> None:
    conn.executemany(f"INSERT INTO movements ({', '.join(RECORDED)}) VALUES ({', '.join('?' * len(RECORDED))})",
                     movements)


def build_ledger(folder: Path, plan: Plan):
    """A migrated ledger with the sample layout, the SKUs and N unsynced movements."""
    cfg = replace(load_config(SAMPLE), ledger_path=folder / "ledger.db")
    migrate(cfg.ledger_path)
    conn = connect(cfg.ledger_path)
    load_layout(conn, cfg)
    floor = Floor(cfg, plan.skus)
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO skus (sku, name, unit_weight_g) VALUES (?, ?, ?)",
                     [(sku_name(n), f"Product {n}", 100 + n % 900) for n in range(1, plan.skus + 1)])
    at = "2026-03-02T09:00:00+00:00"
    for seq in range(1, plan.movements + 1, 50_000):
        chunk = [m for s in range(seq, min(seq + 50_000, plan.movements + 1), 5) for m in floor.cycle(s, at)]
        insert_movements(conn, chunk)
    conn.executemany("INSERT INTO balances (sku, location, lot, on_hand) VALUES (?, ?, '', ?)",
                     [(s, loc, q) for (s, loc), q in floor.balances.items()])
    conn.execute("COMMIT")
    return cfg, conn, floor


def edge_totals(conn: sqlite3.Connection) -> dict[str, int]:
    totals: dict[str, int] = {}
    for row in conn.execute(f"SELECT {', '.join(RECORDED)} FROM movements ORDER BY seq"):
        m = Movement(*row, None, None)  # warehouse_delta reads no sellable flag
        totals[m.sku] = totals.get(m.sku, 0) + warehouse_delta(m)
    return totals


# ---------------------------------------------------------------- central


@contextmanager
def server(url: str):
    """`sklad-central serve --workers 2` on a free port, through the simulators' process helper."""
    proc, base, _ = start_central(url, free_port(), workers=2, keys=KEYS)
    try:
        yield base
    finally:
        stop(proc)


def register(base: str, warehouse_id: str, skus: int) -> None:
    """The catalog, the warehouse and its sync token, through the admin API."""
    admin = {"Authorization": f"Bearer {ADMIN}"}
    with requests.Session() as http:
        for first in range(1, skus + 1, 1000):
            items = [{"sku": sku_name(n), "seller_id": "seller-1", "name": f"Product {n}", "gtins": [],
                      "unit_weight_g": 100 + n % 900, "price_minor": 10_000,
                      "dims_mm": {"length_mm": 100, "width_mm": 100, "height_mm": 100}}
                     for n in range(first, min(first + 1000, skus + 1))]
            http.put(f"{base}/admin/skus", json={"items": items}, headers=admin, timeout=60).raise_for_status()
        http.put(f"{base}/admin/warehouses/{warehouse_id}", json={"name": "Bench FC", "lat": 55.7, "lon": 37.6},
                 headers=admin, timeout=60).raise_for_status()
        http.put(f"{base}/admin/warehouses/{warehouse_id}/token", json={"token": TOKEN}, headers=admin,
                 timeout=10).raise_for_status()


def central_on_hand(url: str, where: str, warehouse_id: str) -> dict[str, int]:
    query = "SELECT sku, on_hand FROM stock WHERE warehouse_id = "
    if url.startswith("sqlite"):
        with sqlite3.connect(f"{where}/central.db") as conn:
            return dict(conn.execute(query + "?", (warehouse_id,)).fetchall())
    with psycopg.connect(PG_DSN, options=f"-csearch_path={where}") as conn:
        return dict(conn.execute(query + "%s", (warehouse_id,)).fetchall())


def mismatches(edge: dict[str, int], central: dict[str, int]) -> int:
    return sum(1 for sku in edge.keys() | central.keys() if edge.get(sku, 0) != central.get(sku, 0))


# ---------------------------------------------------------------- the agent


class TimedOutbox(LedgerOutbox):
    """The ledger outbox, noting when each acknowledgement came (for the lag)."""

    def __init__(self, conn: sqlite3.Connection):
        super().__init__(conn)
        self.acks: list[tuple[float, int]] = []

    def record_ack(self, seq: int) -> None:
        super().record_ack(seq)
        self.acks.append((time.monotonic(), seq))


def make_agent(cfg, base: str) -> tuple[SyncAgent, TimedOutbox]:
    node_id, epoch = node_identity(cfg.ledger_path)
    conn = connect(cfg.ledger_path)
    conn.execute("INSERT INTO sync_state (name, value) VALUES (?, '0') "
                 "ON CONFLICT(name) DO UPDATE SET value = '0'", (ACKED,))  # a fresh central holds nothing
    outbox = TimedOutbox(conn)
    client = CentralClient(base, cfg.id, TOKEN, read_timeout=60)
    return SyncAgent(client, outbox, None, cfg.id, node_id, epoch, batch_max=BATCH), outbox  # type: ignore[arg-type]


def catch_up(agent: SyncAgent, outbox: TimedOutbox, label: str) -> float:
    last = outbox.last_seq()
    started = time.monotonic()
    next_report = started + 2
    while outbox.acked_seq() < last:
        agent.upload_once()
        if time.monotonic() >= next_report:
            say(f"  {label}: {outbox.acked_seq():,} / {last:,} acknowledged")
            next_report += 2
    elapsed = time.monotonic() - started
    say(f"  {label}: {last:,} movements in {elapsed:.1f} s = {last / elapsed:,.0f} deltas/s")
    return last / elapsed


def steady_lag_ms(cfg, floor: Floor, agent: SyncAgent, outbox: TimedOutbox, seconds: float) -> list[float]:
    """Append movements at 1,000/s (10 every 10 ms, each 10 one commit) while the agent uploads."""
    committed: dict[int, float] = {}
    stop = threading.Event()

    def upload_loop() -> None:
        while not stop.is_set() or outbox.acked_seq() < outbox.last_seq():
            if not agent.upload_once():
                agent.wake.wait(agent.idle_wait)
                agent.wake.clear()

    uploader = threading.Thread(target=upload_loop, name="bench-upload")
    uploader.start()
    conn = connect(cfg.ledger_path)
    seq = outbox.last_seq() + 1
    started = time.monotonic()
    tick = 0
    while time.monotonic() - started < seconds:
        at = time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())
        chunk = floor.cycle(seq, at) + floor.cycle(seq + 5, at)
        conn.execute("BEGIN IMMEDIATE")
        insert_movements(conn, chunk)
        conn.execute("COMMIT")
        now = time.monotonic()
        committed.update((s, now) for s in range(seq, seq + 10))
        agent.notify()  # as the edge runtime does after each commit
        seq += 10
        tick += 1
        time.sleep(max(0.0, started + tick * 0.01 - time.monotonic()))
    stop.set()
    uploader.join(60)
    return lags(committed, outbox.acks)


def lags(committed: dict[int, float], acks: list[tuple[float, int]]) -> list[float]:
    result, acked_through = [], min(committed) - 1
    for when, seq in acks:
        for s in range(acked_through + 1, seq + 1):
            if s in committed:
                result.append((when - committed[s]) * 1000)
        acked_through = max(acked_through, seq)
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else float("nan")


# ---------------------------------------------------------------- raw PostgreSQL bound


def raw_pg_rows_per_s(conn: sqlite3.Connection, warehouse_id: str) -> float:
    """Plain psycopg: COPY the same rows into a table of the same columns, one commit per batch."""
    table = f"bench_raw_{uuid.uuid4().hex[:8]}"
    movements = [Movement(*r, None, None)  # the rows central stores hold no sellable flag
                 for r in conn.execute(f"SELECT {', '.join(RECORDED)} FROM movements ORDER BY seq")]
    with psycopg.connect(PG_DSN, autocommit=True) as pg:
        pg.execute(f"CREATE TABLE {table} (warehouse_id varchar(64), seq bigint, movement_id varchar(200), "
                   "digest varchar(16), kind varchar(20), sku varchar(200), lot varchar(200), qty integer, "
                   "from_location varchar(200), to_location varchar(200), shipment_ref varchar(200), "
                   "order_ref varchar(200), at varchar(200), PRIMARY KEY (warehouse_id, seq))")
    try:
        with psycopg.connect(PG_DSN) as pg:
            started = time.monotonic()
            for i in range(0, len(movements), BATCH):
                with pg.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                    for row in rows(warehouse_id, movements[i:i + BATCH]):
                        copy.write_row(row)
                pg.commit()
            elapsed = time.monotonic() - started
    finally:
        with psycopg.connect(PG_DSN, autocommit=True) as pg:
            pg.execute(f"DROP TABLE {table}")
    return len(movements) / elapsed


# ---------------------------------------------------------------- the run


def run_against(kind: str, cfg, ledger: sqlite3.Connection, floor: Floor, plan: Plan, folder: Path) -> dict:
    with scratch_database(kind, "bench_sync") as db, server(db.url) as base:
        url, where = db.url, db.where
        register(base, cfg.id, plan.skus)
        say(f"{kind}: central at {base}, {plan.skus:,} SKUs registered; catching up")
        agent, outbox = make_agent(cfg, base)
        result = {"rate": catch_up(agent, outbox, kind)}
        if kind == "pg":
            say(f"{kind}: steady state, 1,000 movements/s for {plan.steady_seconds:g} s")
            result["lags"] = steady_lag_ms(cfg, floor, agent, outbox, plan.steady_seconds)
        result["mismatches"] = mismatches(edge_totals(ledger), central_on_hand(url, where, cfg.id))
        say(f"{kind}: mismatches {result['mismatches']}")
        return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100,000 movements, 5 s of steady state")
    plan = QUICK if ap.parse_args().quick else FULL
    folder = Path(tempfile.mkdtemp(prefix="sklad-bench-sync-"))
    try:
        started = time.monotonic()
        cfg, ledger, floor = build_ledger(folder, plan)
        say(f"edge ledger: {plan.movements:,} unsynced movements over {plan.skus:,} SKUs "
            f"in {time.monotonic() - started:.1f} s")
        pg = run_against("pg", cfg, ledger, floor, plan, folder)
        lite = run_against("sqlite", cfg, ledger, floor, plan, folder)
        say(f"raw PostgreSQL: COPY of the same rows, {BATCH:,} a commit")
        raw = raw_pg_rows_per_s(ledger, cfg.id)
        say(f"  {raw:,.0f} rows/s")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(json.dumps({
        "movements": plan.movements, "skus": plan.skus, "batch": BATCH,
        "catchup_deltas_per_s_pg": round(pg["rate"]), "catchup_deltas_per_s_sqlite": round(lite["rate"]),
        "steady_rate_per_s": 1000, "steady_lag_p50_ms": round(percentile(pg["lags"], 0.5), 1),
        "steady_lag_p99_ms": round(percentile(pg["lags"], 0.99), 1), "steady_acked": len(pg["lags"]),
        "mismatches": pg["mismatches"] + lite["mismatches"],
        "raw_pg_rows_per_s": round(raw), "ratio_vs_raw_pg": round(pg["rate"] / raw, 3),
    }))


if __name__ == "__main__":
    main()
