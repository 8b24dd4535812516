"""Ledger benchmark: concurrent pick confirmations through the real command path.

Figures (last line, JSON): commands_per_s (in-process, durable group commit), zmq_commands_per_s
(a node process served over ZeroMQ), p50_ms / p99_ms (over ZeroMQ at 1,000 commands/s offered),
raw_commit_per_s (plain sqlite3, one row per synchronous=FULL commit) and raw_batched_rows_per_s
(plain sqlite3, batched inserts), both measured in the same run on the same disk, and
ratio_vs_raw_commit = commands_per_s / raw_commit_per_s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.console import Console
from uuid_utils import uuid7

from edge.domain.commands import ConfirmPick
from edge.ledger.writer import LedgerWriter
from edge.runtime import share_the_gil_briskly
from simulators.processes import start_node
from simulators.workload import PickTask, prepare
from terminal_ui.client import TerminalClient

console = Console(stderr=False)


def raw_sqlite(folder: Path, seconds: float) -> tuple[float, float]:
    conn = sqlite3.connect(folder / "raw.db", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, sku TEXT, qty INTEGER, at TEXT)")
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t(sku, qty, at) VALUES ('SKU-1', 1, '2026-01-01')")
        conn.execute("COMMIT")
        n += 1
    commits = n / (time.perf_counter() - start)
    rows, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        conn.execute("BEGIN")
        conn.executemany("INSERT INTO t(sku, qty, at) VALUES (?, 1, '2026-01-01')", [("SKU-1",)] * 1000)
        conn.execute("COMMIT")
        rows += 1000
    batched = rows / (time.perf_counter() - start)
    conn.close()
    return commits, batched


def picks(tasks: list[PickTask], ways: int = 97) -> list[PickTask]:
    """One entry per unit to confirm; many pickers at once, so neighbours touch different tasks and bins."""
    units = [t for t in tasks for _ in range(t.qty)]
    return [t for i in range(ways) for t in units[i::ways]]


def confirm(task: PickTask) -> ConfirmPick:
    # Made when sent, as a handheld does, with a time-ordered key like the terminal client's.
    return ConfirmPick(uuid7().hex, task.id, task.location, task.sku, task.tote, 1)


async def in_process(folder: Path, shipments: int) -> float:
    _, cfg, tasks = prepare(folder, shipments)
    units = picks(tasks)
    gc.freeze()
    share_the_gil_briskly()  # as the node does
    writer = LedgerWriter(cfg.ledger_path).start()
    queue = iter(units)
    failed: list[str] = []

    async def caller():  # one of 512 concurrent callers, like terminals, each awaiting its own result
        for task in queue:
            outcome = await writer.execute(confirm(task))
            if not outcome.ok:
                failed.append(outcome.message)

    start = time.perf_counter()
    await asyncio.gather(*(caller() for _ in range(512)))
    elapsed = time.perf_counter() - start
    writer.stop()
    if failed:
        raise RuntimeError(f"{len(failed)} commands failed, first: {failed[0]}")
    return len(units) / elapsed


def as_args(task: PickTask) -> dict:
    return {"task_id": task.id, "location": task.location, "item": task.sku, "tote": task.tote, "qty": 1}


async def clients(endpoint: str, n: int) -> list[TerminalClient]:
    out = []
    for _ in range(n):
        client = await TerminalClient(endpoint, timeout=30, retries=0).connect()
        await client.login("B1001")
        out.append(client)
    return out


async def zmq_closed_loop(endpoint: str, units: list[PickTask], n_clients: int = 16, depth: int = 8) -> float:
    pool = await clients(endpoint, n_clients)
    queue = iter(units)

    async def worker(client: TerminalClient):
        for task in queue:
            await client.call("confirm_pick", as_args(task))

    start = time.perf_counter()
    await asyncio.gather(*(worker(pool[i % n_clients]) for i in range(n_clients * depth)))
    elapsed = time.perf_counter() - start
    for c in pool:
        await c.close()
    return len(units) / elapsed


async def zmq_open_loop(endpoint: str, units: list[PickTask], rate: float) -> list[float]:
    pool = await clients(endpoint, 16)
    latencies: list[float] = []

    async def one(i: int, task: PickTask):
        t0 = time.perf_counter()
        await pool[i % len(pool)].call("confirm_pick", as_args(task))
        latencies.append((time.perf_counter() - t0) * 1000)

    start = time.perf_counter()
    pending = []
    for i, task in enumerate(units):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(one(i, task)))
    await asyncio.gather(*pending)
    for c in pool:
        await c.close()
    return latencies


async def over_zmq(folder: Path, shipments: int, rate_seconds: float) -> tuple[float, list[float]]:
    config, _, tasks = prepare(folder, shipments)
    units = picks(tasks)
    gc.freeze()  # the harness's own setup objects must not stall its clients' event loop
    paced = int(1000 * rate_seconds)
    proc, endpoint = start_node(config)
    try:
        latencies = await zmq_open_loop(endpoint, units[:paced], rate=1000)
        throughput = await zmq_closed_loop(endpoint, units[paced:])
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    return throughput, latencies


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=1000)[int(q * 1000) - 1] if len(values) > 1 else values[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a smaller run, under 45 seconds")
    args = ap.parse_args()
    shipments, seconds, paced = (1200, 1.5, 3.0) if args.quick else (3000, 4.0, 10.0)
    with tempfile.TemporaryDirectory(prefix="sklad-bench-") as tmp:
        tmp = Path(tmp)
        console.print("measuring raw SQLite commit and batched insert rates ...")
        raw_commit, raw_batched = raw_sqlite(tmp, seconds)
        console.print(f"  raw: {raw_commit:,.0f} commits/s, {raw_batched:,.0f} batched rows/s")
        console.print(f"in-process: {shipments * 10:,} pick confirmations through the group-commit writer ...")
        (tmp / "a").mkdir()
        inproc = asyncio.run(in_process(tmp / "a", shipments))
        console.print(f"  {inproc:,.0f} commands/s")
        console.print(f"over ZeroMQ: {paced:.0f} s at 1,000 commands/s offered, then closed loop ...")
        (tmp / "b").mkdir()
        zmq_rate, lat = asyncio.run(over_zmq(tmp / "b", shipments + int(paced * 100), paced))
        console.print(f"  {zmq_rate:,.0f} commands/s; latency p50 {percentile(lat, .5):.2f} ms, "
                      f"p99 {percentile(lat, .99):.2f} ms")
    print(json.dumps({
        "commands_per_s": round(inproc),
        "zmq_commands_per_s": round(zmq_rate),
        "p50_ms": round(percentile(lat, 0.5), 3),
        "p99_ms": round(percentile(lat, 0.99), 3),
        "raw_commit_per_s": round(raw_commit),
        "raw_batched_rows_per_s": round(raw_batched),
        "ratio_vs_raw_commit": round(inproc / raw_commit, 2),
        "quick": args.quick,
        "cpus": os.cpu_count(),
    }))


if __name__ == "__main__":
    main()
