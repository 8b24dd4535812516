"""Transport tasks in the real ledger: a pallet of stock moves reserve -> robot -> pick face as
movements written by the node's ledger writer process, and `verify` holds at every step."""

from __future__ import annotations

import dataclasses
import sqlite3

import pytest

from edge.config import load_config
from edge.domain import commands as c
from edge.errors import NotFound
from edge.fleet.commands import CreateTransport
from edge.fleet.ledger import FleetLedger
from edge.ledger.database import open_ledger
from edge.ledger.verify import verify
from edge.ledger.writer import LedgerWriter
from simulators.agv.cli import SAMPLE


@pytest.fixture
def writer(tmp_path):
    cfg = dataclasses.replace(load_config(SAMPLE), ledger_path=tmp_path / "ledger.db")
    open_ledger(cfg).close()
    w = LedgerWriter(cfg.ledger_path).start()
    for cmd in (c.UpsertSku("s1", "MUG", "Mug", (), 350), c.Receive("s2", "MUG", 40, "RCV-01"),
                c.Move("s3", "MUG", 40, "RCV-01", "A-02-03")):
        assert w.execute_sync(cmd).ok
    yield w
    w.stop()


def balances(path) -> dict:
    with sqlite3.connect(path) as conn:
        return {loc: q for loc, q in conn.execute("SELECT location, on_hand FROM balances WHERE sku = 'MUG'")}


def ledger_ok(path) -> bool:
    with sqlite3.connect(path, isolation_level=None) as conn:
        return verify(conn).ok


async def test_replenishment_pallet_moves_through_the_robot_in_the_ledger(mosquitto, floor, wait, writer) -> None:
    ledger = FleetLedger(writer.execute, writer.path)
    async with floor(mosquitto, count=2, speedup=15, ledger=ledger) as f:
        task = await f.service.request_transport(
            CreateTransport("repl-1", "replenish", "PAL-1", "A-02-03", "F-20-01", "pallet", "MUG", 25))
        await wait(lambda: f.task(task.id).state == "underway", 60, "the pallet on the robot")
        robot = "ROBOT-" + f.task(task.id).vehicle.split("/")[1]
        await wait(lambda: balances(writer.path).get(robot) == 25, 5, "the stock at the robot location")
        assert balances(writer.path)["A-02-03"] == 15 and ledger_ok(writer.path)
        await wait(lambda: f.task(task.id).state == "done", 30, "the pallet at the pick face")
        await wait(lambda: balances(writer.path).get("F-20-01") == 25, 5, "the stock at the pick face")
        assert balances(writer.path)[robot] == 0 and ledger_ok(writer.path)
    with sqlite3.connect(writer.path) as conn:
        moves = conn.execute("SELECT from_location, to_location, qty FROM movements WHERE task_ref = ? "
                             "AND reason = 'transport' ORDER BY seq", (task.id,)).fetchall()
        row = conn.execute("SELECT state, vehicle, attempts FROM transport_tasks WHERE id = ?", (task.id,)).fetchone()
    assert moves == [("A-02-03", robot, 25), (robot, "F-20-01", 25)]
    assert row[0] == "done" and row[1].endswith(robot.removeprefix("ROBOT-")) and row[2] == 1


async def test_a_transport_the_ledger_or_the_map_refuses_changes_nothing(mosquitto, floor, writer) -> None:
    ledger = FleetLedger(writer.execute, writer.path)
    async with floor(mosquitto, count=1, speedup=10, ledger=ledger) as f:
        with pytest.raises(Exception, match="free units of MUG"):
            await f.service.request_transport(
                CreateTransport("repl-2", "replenish", "PAL-2", "A-02-03", "F-20-01", "pallet", "MUG", 99))
        with pytest.raises(NotFound, match="NOWHERE"):
            await f.service.request_transport(CreateTransport("t-3", "tote", "T00001", "NOWHERE", "PACK-01"))
        assert f.service.controller.tasks == {}
    with sqlite3.connect(writer.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM transport_tasks").fetchone() == (0,)
