"""A real node process for the TUI tests, and helpers to wait for what the screens show.

The ledger (built once per session, copied per test) holds:
  MUG  (barcode 4600000000011, 350 g): A-01-01 x150 (pick face), A-05-01 x30
  MILK (lot-tracked, no barcode): B-01-01 lot L1 x10
  TEA  (barcode 4600000000022): A-03-01 x5
and shipments, allocated in this order (so picked in this order):
  S1: MUG x1          (one task at A-01-01)
  S2: MUG x3, TEA x1  (tasks at A-01-01 and A-03-01)
  S3: MILK x2         (task at B-01-01, lot L1)
  S4: MUG x100        (task at A-01-01)
an advance shipping notice ASN-1 of 20 TEA, and an open exception at PACK-02 (tote T00009).
"""

from __future__ import annotations

import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from edge.config import load_config
from edge.domain import commands as c
from edge.ledger.batch import apply_batch
from edge.ledger.connection import connect_writer
from edge.ledger.database import open_ledger
from edge.ledger.uow import UnitOfWork
from sync import feed as f

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "edge" / "samples" / "warehouse.toml"
MUG, TEA = "4600000000015", "4600000000022"  # valid EAN-13s
PICKER, RECEIVER, SUPERVISOR, PACKER = "B1002", "B1001", "B9001", "B2001"


def seed_commands() -> list[c.Command]:
    cmds: list[c.Command] = [
        c.UpsertSku("s-mug", "MUG", "Mug 300 ml", (MUG,), 350),
        c.UpsertSku("s-milk", "MILK", "Milk 1 l", (), 1030, lot_tracked=True),
        c.UpsertSku("s-tea", "TEA", "Tea 100 g", (TEA,), 100),
    ]
    stock = [("MUG", "A-01-01", 150, None), ("MUG", "A-05-01", 30, None), ("MILK", "B-01-01", 10, "L1"),
             ("TEA", "A-03-01", 5, None)]
    for i, (sku, bin_, qty, lot) in enumerate(stock):
        cmds.append(c.Receive(f"r{i}", sku, qty, "RCV-01", lot, date(2030, 1, 1) if lot else None))
        cmds.append(c.Move(f"m{i}", sku, qty, "RCV-01", bin_, lot))
    for sid, lines in (("S1", [("MUG", 1)]), ("S2", [("MUG", 3), ("TEA", 1)]), ("S3", [("MILK", 2)]),
                       ("S4", [("MUG", 100)])):
        cmds.append(c.AllocateShipment(f"a-{sid}", sid, f"O-{sid}", tuple(c.OrderLine(s, q) for s, q in lines)))
    asn = f.AdvanceShippingNotice(asn_id="ASN-1", warehouse_id="MSK-1", lines=[f.AsnLine(sku="TEA", qty=20)],
                                  expected_at=datetime(2026, 1, 1, tzinfo=UTC))
    cmds.append(c.ApplyFeedEntry("feed-1", 1, asn))
    cmds.append(c.ReportException("x-1", "PACK-02", "weight off by 480 g", "T00009"))
    return cmds


def config_text(ledger: Path, ports: tuple[int, int] = (0, 0)) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    text = re.sub(r'(?m)^path = .*$', f'path = "{ledger}"', text)
    text = re.sub(r'(?m)^router = .*$', f'router = "tcp://127.0.0.1:{ports[0]}"', text)
    text = re.sub(r'(?m)^pub = .*$', f'pub = "tcp://127.0.0.1:{ports[1]}"', text)
    return re.sub(r'(?m)^(metrics_port|url) = .*$', "", text)


def build_template(folder: Path) -> Path:
    ledger = folder / "ledger.db"
    cfg_path = folder / "warehouse.toml"
    cfg_path.write_text(config_text(ledger), encoding="utf-8")
    cfg = load_config(cfg_path)
    open_ledger(replace(cfg, central_url=None)).close()
    conn = connect_writer(ledger)
    outcomes = apply_batch(UnitOfWork(conn), seed_commands())
    conn.close()
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]
    return ledger


@dataclass
class NodeProcess:
    proc: subprocess.Popen
    router: str
    pub: str
    ledger: Path

    def scalar(self, sql: str, *args):
        conn = sqlite3.connect(self.ledger)
        try:
            return conn.execute(sql, args).fetchone()[0]
        finally:
            conn.close()

    def movements(self, kind: str = "pick") -> int:
        return self.scalar("SELECT COUNT(*) FROM movements WHERE kind = ?", kind)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def free_ports(n: int) -> tuple[int, ...]:
    socks = [socket.socket() for _ in range(n)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return tuple(s.getsockname()[1] for s in socks)
    finally:
        for s in socks:
            s.close()


def start_node(template: Path | None, folder: Path, ports: tuple[int, int] = (0, 0),
               edit: Callable[[str], str] = lambda text: text) -> NodeProcess:
    """A node on a copy of `template` (None: the ledger already in `folder`, as a restart);
    `edit` changes the warehouse file's text first."""
    ledger = folder / "ledger.db"
    if template is not None:
        shutil.copyfile(template, ledger)
    cfg_path = folder / "warehouse.toml"
    cfg_path.write_text(edit(config_text(ledger, ports)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "edge.cli", "run", "--config", str(cfg_path)],
                            stdout=subprocess.PIPE, stderr=(folder / "node.log").open("ab"), text=True)
    line = proc.stdout.readline()
    match = re.match(r"READY router=(\S+) pub=(\S+)", line)
    if not match:
        proc.kill()
        raise RuntimeError(f"node did not start: {line!r} {(folder / 'node.log').read_text()[-2000:]}")
    return NodeProcess(proc, match.group(1), match.group(2), ledger)


async def until(pilot, done: Callable[[], bool], timeout: float = 10.0, what: str = "") -> None:
    """Let the app run until `done()`; fails with what the screen shows if it never happens."""
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or done}; screen: {screen_text(pilot.app)}")
        await pilot.pause(0.02)


def start_node_after(template: Path, folder: Path, command: f.FeedCommand) -> NodeProcess:
    """The seeded node, with one more entry of central's feed (`command`) applied."""
    ledger = folder / "ledger.db"
    ledger.write_bytes(template.read_bytes())
    conn = connect_writer(ledger)
    (outcome,) = apply_batch(UnitOfWork(conn), [c.ApplyFeedEntry(f"feed-{command.type}", 2, command)])
    conn.close()
    assert outcome.ok, outcome.message
    return start_node(None, folder)


def start_node_with_return(template: Path, folder: Path) -> NodeProcess:
    """The seeded node, with return R7 (2 MUG of shipment S1) announced by central."""
    return start_node_after(template, folder, f.ReturnNotice(
        return_id="R7", order_id="O-S1", shipment_id="S1", warehouse_id="MSK-1",
        lines=[f.ReturnLine(sku="MUG", qty=2, reason="changed mind")]))


def screen_text(app) -> str:
    """Everything the current screen shows, as text."""
    from textual.widgets import Digits, Static

    parts = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Digits):
            parts.append(f"[{widget.value}]")
        elif isinstance(widget, Static):
            parts.append(str(widget.render()))
    return " | ".join(p for p in parts if p)


async def scan(pilot, code: str, terminator: str = "enter") -> None:
    await pilot.press(*code, terminator)


async def refused_with(pilot, words: str) -> None:
    """The refusal screen comes up saying `words`; Enter acknowledges it."""
    from terminal_ui.screens.refused import RefusedScreen

    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, RefusedScreen), what="the refusal")
    assert words in screen_text(app), screen_text(app)
    await pilot.press("enter")
    await until(pilot, lambda: not isinstance(app.screen, RefusedScreen))
