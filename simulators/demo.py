"""`sklad-sim demo`: a warehouse shift on embedded defaults, ending by itself with a report.

An edge node runs as its own process on a scratch copy of the sample warehouse; stock is received
and put away, shipments are allocated into pick tasks, and scripted pickers work them over the
terminal API: scan, pick, pack, ship. At the end the ledger is verified.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from edge.ledger.status import ledger_status
from simulators.pickers import FloorStats, ScriptedPicker
from simulators.processes import start_node, verify_ledger
from simulators.workload import prepare

console = Console()


async def shift(endpoint: str, badges: list[str], short_rate: float, totes: list[str]) -> FloorStats:
    stats = FloorStats()
    rack: asyncio.Queue = asyncio.Queue()
    for tote in totes:
        rack.put_nowait(tote)
    crew = [ScriptedPicker(endpoint, badge, stats, rack, short_rate=short_rate, station=f"PACK-0{i % 3 + 1}")
            for i, badge in enumerate(badges)]
    await asyncio.gather(*(p.run() for p in crew))
    return stats


def report(stats: FloorStats, status: dict, seconds: float, verified: str) -> None:
    table = Table(title="Sklad demo shift", show_header=False)
    for name, value in [
        ("shipments shipped", stats.shipped), ("picks confirmed", stats.picks), ("units picked", stats.units),
        ("short picks", stats.shorts), ("refusals", dict(stats.refusals) or 0),
        ("movements in ledger", status["last_seq"]), ("shipments by status", status["shipments"]),
        ("shift time", f"{seconds:.1f} s"), ("ledger verify", verified),
    ]:
        table.add_row(name, str(value))
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="sklad-sim demo", description=__doc__)
    ap.add_argument("--shipments", type=int, default=60)
    ap.add_argument("--pickers", type=int, default=4)
    ap.add_argument("--short-rate", type=float, default=0.05, help="share of picks where the bin is short")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sklad-demo-") as tmp:
        console.print(f"[bold]Preparing[/] the sample warehouse in {tmp} ...")
        config, cfg, tasks = prepare(Path(tmp), args.shipments, skus=120, units=100, qty=3, lines=2)
        console.print(f"{len(tasks)} pick tasks for {args.shipments} shipments; starting the edge node")
        node, endpoint = start_node(config)
        try:
            started = time.perf_counter()
            # One picker per badge: a badge's tasks belong to whoever holds it.
            badges = [op.badge for op in cfg.operators if "picker" in op.roles][: args.pickers]
            stats = asyncio.run(shift(endpoint, badges, args.short_rate, cfg.tote_codes()))
            seconds = time.perf_counter() - started
        finally:
            node.send_signal(signal.SIGTERM)
            node.wait(10)
        verified = verify_ledger(cfg.ledger_path)
        report(stats, ledger_status(cfg.ledger_path), seconds, verified.stdout.strip())
        return verified.returncode
