"""The fleet inside a running edge node: supervisor operations over the terminal API, fleet events
on PUB, the status file `sklad-edge status` reads, transport tasks in the node's ledger."""

from __future__ import annotations

import asyncio
import dataclasses
import sqlite3
import uuid

import pytest
import zmq
import zmq.asyncio

from edge.config import load_config
from edge.domain.events import PickConfirmed
from edge.fleet.config import VehicleDecl
from edge.fleet.node import read_fleet_status
from edge.ledger.verify import verify
from edge.runtime import build_node
from edge.terminal import protocol
from simulators.agv.cli import SAMPLE, settings_from_config
from simulators.agv.runner import AgvSim
from terminal_ui.client import TerminalClient, TerminalError

SUPERVISOR, PICKER = "B9001", "B1002"


@pytest.fixture
async def running(tmp_path, mosquitto):
    interface = f"t-{uuid.uuid4().hex[:10]}"
    sample = load_config(SAMPLE)
    fleet = dataclasses.replace(sample.fleet, broker=mosquitto, interface=interface, vehicles=tuple(
        VehicleDecl("SkladSim", f"agv-{n:03d}", ("tote", "pallet")) for n in range(1, 4)))
    cfg = dataclasses.replace(sample, ledger_path=tmp_path / "ledger.db", central_url=None, sync_token=None,
                              sync_embedded=False, router_endpoint="tcp://127.0.0.1:0",
                              pub_endpoint="tcp://127.0.0.1:0", metrics_port=None, fleet=fleet)
    node = await build_node(cfg)
    stop = asyncio.Event()
    run = asyncio.create_task(node.run(stop))
    sim = AgvSim(settings_from_config(SAMPLE, 3, mosquitto, interface=interface, speedup=20))
    await sim.start()
    yield node, sim
    await sim.stop()
    stop.set()
    await run


async def supervisor(node) -> TerminalClient:
    client = await TerminalClient(node.server.router_endpoint, timeout=5.0, retries=0).connect()
    await client.login(SUPERVISOR)
    return client


async def until(check, timeout: float):
    for _ in range(int(timeout / 0.05)):
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_supervisor_runs_the_fleet_over_the_terminal_api(running, tmp_path) -> None:
    node, sim = running
    ctx = zmq.asyncio.Context()
    sub = ctx.socket(zmq.SUB)
    sub.connect(node.server.pub_endpoint)
    sub.setsockopt(zmq.SUBSCRIBE, b"event.Fleet")
    client = await supervisor(node)
    try:
        listing = await until(lambda: _online(client), 10)
        assert {v["vehicle"] for v in listing} == {f"SkladSim/agv-00{n}" for n in (1, 2, 3)}
        made = await client.call("transport", {"load": "T00009", "from_location": "C-07-01",
                                               "to_location": "PACK-02"}, key="sup-1")
        again = await client.call("transport", {"load": "T00009", "from_location": "C-07-01",
                                                "to_location": "PACK-02"}, key="sup-1")
        assert made["transport_id"] == again["transport_id"] == 1
        await until(lambda: _state(tmp_path, 1) == "done", 30)
        paused = await client.call("fleet_pause", key="pause-1")
        assert paused["paused"] == 3
        topic, data = protocol.decode_event(await asyncio.wait_for(sub.recv_multipart(), 5))
        while topic != "FleetPaused":
            topic, data = protocol.decode_event(await asyncio.wait_for(sub.recv_multipart(), 5))
        assert data == {"vehicles": 3}
        await until(lambda: all(a.model.view.paused for a in sim.agvs.values()), 3)
        await client.call("fleet_resume", key="resume-1")
        idle = (await until(lambda: _online(client), 20))[0]["vehicle"]
        with pytest.raises(TerminalError, match="no order to cancel"):
            await client.call("fleet_cancel", {"vehicle": idle}, key="cancel-1")
        with pytest.raises(TerminalError, match="no vehicle"):
            await client.call("fleet_charge", {"vehicle": "SkladSim/agv-999"}, key="charge-1")
        await until(lambda: (read_fleet_status(tmp_path / "ledger.db") or {}).get("tasks_done") == 1, 5)
        picker = await TerminalClient(node.server.router_endpoint, timeout=5.0, retries=0).connect()
        await picker.login(PICKER)
        with pytest.raises(TerminalError):
            await picker.call("fleet_pause", key="pause-2")
        await picker.close()
    finally:
        await client.close()
        ctx.destroy(linger=0)
    with sqlite3.connect(tmp_path / "ledger.db", isolation_level=None) as conn:
        assert verify(conn).ok


async def test_a_tote_picked_complete_rides_to_a_pack_station(running, tmp_path) -> None:
    node, _ = running
    with sqlite3.connect(tmp_path / "ledger.db") as conn:  # one pick task left of shipment S9, now done
        conn.execute("INSERT INTO tasks(kind, state, shipment_id, location, created_at, updated_at) "
                     "VALUES ('pick', 'done', 'S9', 'B-12-01', 'now', 'now')")
    node.publish([PickConfirmed(1, "S9", "MUG", 1, "T00123", PICKER)])
    await until(lambda: _state(tmp_path, 1) == "done", 30)
    with sqlite3.connect(tmp_path / "ledger.db") as conn:
        row = conn.execute("SELECT kind, load, source, destination FROM transport_tasks").fetchone()
    assert row[:3] == ("tote", "T00123", "B-12-01") and row[3].startswith("PACK-")


async def _online(client: TerminalClient):
    listing = (await client.call("fleet"))["vehicles"]
    return listing if all(v["state"] == "IDLE" for v in listing) else None


def _state(tmp_path, task_id: int) -> str | None:
    with sqlite3.connect(tmp_path / "ledger.db") as conn:
        row = conn.execute("SELECT state FROM transport_tasks WHERE id = ?", (task_id,)).fetchone()
    return row[0] if row else None
