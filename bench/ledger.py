"""Ledger benchmark: concurrent pick confirmations through the real command path.

The floor as modelled: hundreds of pickers at once, each taking the next pick task (10 units of
one SKU, one tote) and confirming it one scan at a time, then taking the next; in-process through
the node's ledger writer (512 pickers), and over ZeroMQ against a node process (128 pickers on 16
terminals' connections, after a paced run at 1,000 confirmations a second for latency).

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
from collections.abc import Iterator
from itertools import zip_longest
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
PICKERS = 512


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


def skus_for(shipments: int, qty: int = 10, per_bin: int = 200) -> int:
    """Enough SKUs, each filling one 200-unit pick face, that every shipment of `qty` is allocated."""
    return max(100, -(-shipments * qty // per_bin))


def picks(tasks: list[PickTask], ways: int = 16) -> list[PickTask]:
    """One entry per unit to confirm, as `ways` pickers working side by side send them."""
    streams = [[t for t in tasks[i::ways] for _ in range(t.qty)] for i in range(ways)]
    return [unit for step in zip_longest(*streams) for unit in step if unit is not None]


async def picker(tasks: Iterator[PickTask], send) -> None:
    """A picker on the floor: takes the next task, confirms its units one scan at a time, takes the
    next. Tasks go out in order, so what hundreds of pickers touch at once is the current wave of
    work, not rows scattered over the whole backlog."""
    for task in tasks:
        for _ in range(task.qty):
            await send(task)


def confirm(task: PickTask) -> ConfirmPick:
    # Made when sent, as a handheld does, with a time-ordered key like the terminal client's.
    return ConfirmPick(uuid7().hex, task.id, task.location, task.sku, task.tote, 1)


async def in_process(folder: Path, shipments: int) -> float:
    _, cfg, tasks = prepare(folder, shipments, skus=skus_for(shipments))
    gc.freeze()
    share_the_gil_briskly()  # as the node does
    writer = LedgerWriter(cfg.ledger_path).start()
    queue = iter(tasks)
    failed: list[str] = []

    async def send(task: PickTask) -> None:  # each picker awaits its own result
        outcome = await writer.execute(confirm(task))
        if not outcome.ok:
            failed.append(outcome.message)

    start = time.perf_counter()
    await asyncio.gather(*(picker(queue, send) for _ in range(PICKERS)))
    elapsed = time.perf_counter() - start
    writer.stop()
    if failed:
        raise RuntimeError(f"{len(failed)} commands failed, first: {failed[0]}")
    return sum(t.qty for t in tasks) / elapsed


def as_args(task: PickTask) -> dict:
    return {"task_id": task.id, "location": task.location, "item": task.sku, "tote": task.tote, "qty": 1}


async def clients(endpoint: str, n: int) -> list[TerminalClient]:
    out = []
    for k in range(n):
        client = await TerminalClient(endpoint, timeout=30, retries=0).connect()
        await client.login(f"P{k + 1:04d}")  # one handheld, one picker: a badge has one session
        out.append(client)
    return out


async def zmq_closed_loop(endpoint: str, tasks: list[PickTask], n_clients: int = 16, depth: int = 8) -> float:
    pool = await clients(endpoint, n_clients)
    queue = iter(tasks)

    def sender(client: TerminalClient):
        return lambda task: client.call("confirm_pick", as_args(task))

    start = time.perf_counter()
    await asyncio.gather(*(picker(queue, sender(pool[i % n_clients])) for i in range(n_clients * depth)))
    elapsed = time.perf_counter() - start
    for c in pool:
        await c.close()
    return sum(t.qty for t in tasks) / elapsed


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
    # The pick path alone: bench/robots.py measures the fleet that would carry each finished tote.
    config, _, tasks = prepare(folder, shipments, skus=skus_for(shipments), pickers=16, fleet=False)
    gc.freeze()  # the harness's own setup objects must not stall its clients' event loop
    paced = int(rate_seconds * 1000 / 10)  # tasks of 10 units
    proc, endpoint = start_node(config)
    try:
        latencies = await zmq_open_loop(endpoint, picks(tasks[:paced]), rate=1000)
        throughput = await zmq_closed_loop(endpoint, tasks[paced:])
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
