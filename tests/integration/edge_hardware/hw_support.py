"""Helpers for the device-hub tests (a module of its own: conftest names clash across folders).

The floor: shipment S1 (MUG x2 + TEA x1, pickup point PVZ-12) picked complete into tote T00001;
shipment S2 (MUG x3) with one unit picked into tote T00701, the tote in the put wall's cubby.
"""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from edge.domain import commands as c
from edge.ledger.batch import apply_batch
from edge.ledger.uow import UnitOfWork

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "edge" / "samples" / "warehouse.toml"
MUG_GTIN = "4600000000011"
# Expected weight of T00001: 2 x 350 g + 100 g + 150 g packaging.
T00001_GRAMS = 950

DEVICES = """
[[devices]]
name = "sorter-1"
kind = "sorter"
host = "127.0.0.1"
port = {sorter}
timeout = 0.2
backoff_max = 1.0

[[devices]]
name = "scale-1"
kind = "scale"
host = "127.0.0.1"
port = {scale}
timeout = 0.2
backoff_max = 1.0

[[devices]]
name = "ptl-1"
kind = "put_to_light"
host = "127.0.0.1"
port = {ptl}
timeout = 0.2

[[devices]]
name = "induct-1"
kind = "scanner"
path = "{induct}"
backoff_max = 0.2
role = "conveyor"
sorter = "sorter-1"
reject_chute = 40
default_chute = 1
chutes = {{ "PVZ-12" = 3 }}

[[devices]]
name = "pack-1"
kind = "scanner"
path = "{pack}"
backoff_max = 0.2
role = "pack_station"
scale = "scale-1"
station = "PACK-01"
packaging_g = 150
tolerance_g = 30
settle_timeout = 1.5

[[devices]]
name = "wall-1"
kind = "scanner"
path = "{wall}"
backoff_max = 0.2
role = "put_wall"
cells = [{{ light = "ptl-1", tote = "T00701" }}]
"""


def warehouse_file(tmp: Path, ports: dict[str, int], links: dict[str, Path]) -> Path:
    """The sample warehouse on a ledger in `tmp`, ephemeral sockets, no metrics port or central."""
    return sample_with(tmp, DEVICES.format(sorter=ports["sorter-1"], scale=ports["scale-1"], ptl=ports["ptl-1"],
                                           **{k: str(v) for k, v in links.items()}))


def sample_with(tmp: Path, devices: str, warehouse_keys: str = "") -> Path:
    """The sample warehouse with `devices` appended and `warehouse_keys` in its [warehouse] table."""
    text = re.sub(r"(?m)^(gs1_company_prefix|sscc_extension) = .*\n", "", SAMPLE.read_text(encoding="utf-8"))
    text = text.replace("[warehouse]\n", "[warehouse]\n" + warehouse_keys)
    text = re.sub(r"(?m)^path = .*$", 'path = "ledger.db"', text)
    text = re.sub(r"(?m)^(router|pub) = .*$", r'\1 = "tcp://127.0.0.1:0"', text)
    text = re.sub(r"(?m)^(metrics_port|url) = .*$", "", text)
    path = tmp / "warehouse.toml"
    path.write_text(text + devices, encoding="utf-8")
    return path


def seed_floor(conn) -> None:
    uow = UnitOfWork(conn)
    setup = [
        c.UpsertSku("sku-mug", "MUG", "Mug", (MUG_GTIN,), 350),
        c.UpsertSku("sku-tea", "TEA", "Tea", (), 100),
        c.Receive("rcv-mug", "MUG", 10, "RCV-01"), c.Move("put-mug", "MUG", 10, "RCV-01", "A-01-01"),
        c.Receive("rcv-tea", "TEA", 5, "RCV-01"), c.Move("put-tea", "TEA", 5, "RCV-01", "A-02-01"),
        c.AllocateShipment("alloc-S1", "S1", "O1", (c.OrderLine("MUG", 2), c.OrderLine("TEA", 1)), "PVZ-12"),
        c.NextTask("next-1", operator="B1001"),
    ]
    _apply(uow, setup)
    _pick(uow, conn, "S1", "T00001", whole=True)
    _apply(uow, [c.AllocateShipment("alloc-S2", "S2", "O2", (c.OrderLine("MUG", 3),)),
                 c.NextTask("next-2", operator="B1002")])
    _pick(uow, conn, "S2", "T00701", whole=False)


def _apply(uow: UnitOfWork, commands: list[c.Command]) -> None:
    outcomes = apply_batch(uow, commands)
    assert all(o.ok for o in outcomes), [o.message for o in outcomes if not o.ok]


def _pick(uow: UnitOfWork, conn, shipment: str, tote: str, whole: bool) -> None:
    tasks = conn.execute("SELECT id, location, sku, qty, assignee FROM tasks WHERE shipment_id = ?",
                         (shipment,)).fetchall()
    _apply(uow, [c.ConfirmPick(f"pick-{tid}", tid, loc, sku, tote, qty if whole else 1, operator=who)
                 for tid, loc, sku, qty, who in tasks])


class ModbusSim:
    """`sklad-sim modbus` as a process: its device map, and stdin commands."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "simulators.cli", "modbus", "--transit", "0.2",
                                      *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     stderr=subprocess.DEVNULL)  # pymodbus dumps frames when a client hangs up
        line = ""
        while not line.startswith("{"):
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"sklad-sim modbus exited with {self.proc.wait()}")
        self.ports: dict[str, int] = json.loads(line)["tcp"]

    def send(self, command: str) -> str:
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().strip()
        assert reply.startswith("ok"), reply
        return reply

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


async def wait_for(predicate: Callable[[], object], timeout: float = 5.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while not (found := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.02)
    return found


class ScannerSim:
    """`sklad-sim scanner` as a process typing `codes` into a pty behind `link`."""

    def __init__(self, link: Path, *codes: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "simulators.cli", "scanner", "--link", str(link), "--rate", "10",
             "--start-delay", "1.0", "--linger", "20", *codes], stdout=subprocess.DEVNULL)

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


async def settle(node, grams: int) -> None:
    """Wait until the node reads the scale stable near `grams`."""
    modbus = node.devices.modbus
    await wait_for(lambda: modbus.value("scale-1", "stable")
                   and abs(modbus.value("scale-1", "weight") * 1000 - grams) < 5, what=f"scale at {grams} g")
