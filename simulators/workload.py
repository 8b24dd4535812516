"""Prepared pick work for demos, benchmarks and crash tests: a warehouse file in a scratch folder,
stock in the pick faces and shipments allocated into pick tasks — all through the real commands."""

from __future__ import annotations

import re
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from edge.config import WarehouseConfig, load_config
from edge.domain import commands as c
from edge.ledger.writer import LedgerWriter
from edge.seeding import seed

SAMPLE = Path(__file__).resolve().parent.parent / "edge" / "samples" / "warehouse.toml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def scratch_config(folder: Path, totes: int = 800, metrics: bool = False, central: str | None = None,
                   token: str | None = None, sync_timeouts: tuple[float, float] = (15.0, 20.0),
                   embedded_sync: bool = True, pickers: int = 0, fleet: bool = True) -> tuple[Path, WarehouseConfig]:
    """A copy of the sample warehouse whose ledger lives in `folder` and whose sockets use free ports;
    with `central` and `token`, the node syncs with that central; `pickers` more operators P0001…
    (one session per badge: a badge that logs in again replaces its older session); `fleet=False`
    leaves the robots out."""
    text = SAMPLE.read_text() if fleet else without_fleet(SAMPLE.read_text())
    text += "".join(f'\n[[operators]]\nbadge = "P{n:04d}"\nname = "Picker {n}"\nroles = ["picker"]\n'
                    for n in range(1, pickers + 1))
    central_table = "[central]\n"
    if central and token:
        central_table += (f'url = "{central}"\ntoken = "{token}"\ntimeout_s = {sync_timeouts[0]}\n'
                          f"feed_wait_s = {sync_timeouts[1]}\nembedded = {str(embedded_sync).lower()}\n")
    text = re.sub(r'(?m)^\[central\]\nurl = .*$\n', central_table, text)
    text = re.sub(r'(?m)^path = .*$', f'path = "{folder / "ledger.db"}"', text)
    text = re.sub(r'tcp://127\.0\.0\.1:5555', f"tcp://127.0.0.1:{free_port()}", text)
    text = re.sub(r'tcp://127\.0\.0\.1:5556', f"tcp://127.0.0.1:{free_port()}", text)
    text = re.sub(r'(?m)^metrics_port = .*$', f"metrics_port = {free_port()}" if metrics else "", text)
    text = re.sub(r'(?m)^count = 800$', f"count = {totes}", text)
    path = folder / "warehouse.toml"
    path.write_text(text)
    return path, load_config(path)


def without_fleet(text: str) -> str:
    """The warehouse file without its `[fleet]` table and the `[[fleet.…]]` tables under it."""
    kept, skipping = [], False
    for line in text.splitlines(keepends=True):
        header = line.strip()
        if header.startswith("["):
            skipping = header == "[fleet]" or header.startswith(("[fleet.", "[[fleet."))
        if not skipping:
            kept.append(line)
    return "".join(kept)


@dataclass(frozen=True)
class PickTask:
    id: int
    shipment_id: str
    sku: str
    location: str
    qty: int
    tote: str


def allocate_shipments(cfg: WarehouseConfig, shipments: int, skus: int, qty: int,
                       lines: int = 1) -> list[PickTask]:
    """Allocate `shipments` shipments of `lines` lines of `qty` units; returns their pick tasks."""
    writer = LedgerWriter(cfg.ledger_path).start()
    try:
        for s in range(shipments):
            order_lines = tuple(c.OrderLine(f"SKU-{(s + k) % skus + 1:06d}", qty) for k in range(lines))
            out = writer.execute_sync(c.AllocateShipment(f"alloc-{s}", f"SH-{s:06d}", f"ORD-{s:06d}", order_lines))
            if not out.ok:
                raise RuntimeError(f"allocating SH-{s:06d} failed: {out.message}")
    finally:
        writer.stop()
    conn = sqlite3.connect(cfg.ledger_path)
    rows = conn.execute(
        "SELECT id, shipment_id, sku, location, qty FROM tasks WHERE kind = 'pick' AND state = 'open' ORDER BY id"
    ).fetchall()
    conn.close()
    totes = cfg.tote_codes()
    index = {sid: i for i, sid in enumerate(sorted({r[1] for r in rows}))}
    if len(index) > len(totes):
        raise ValueError(f"{len(index)} shipments need as many totes; the warehouse has {len(totes)}")
    return [PickTask(r[0], r[1], r[2], r[3], r[4], totes[index[r[1]]]) for r in rows]


def prepare(folder: Path, shipments: int, skus: int = 100, units: int = 200, qty: int = 10,
            lines: int = 1, metrics: bool = False, pickers: int = 0,
            fleet: bool = True) -> tuple[Path, WarehouseConfig, list[PickTask]]:
    path, cfg = scratch_config(folder, totes=max(800, shipments), metrics=metrics, pickers=pickers, fleet=fleet)
    result = seed(cfg, skus, units)
    if result["failed"]:
        raise RuntimeError(f"seeding failed: {result['failed'][:3]}")
    return path, cfg, allocate_shipments(cfg, shipments, skus, qty, lines)
