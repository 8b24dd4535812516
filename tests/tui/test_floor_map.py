"""The supervisor console's fleet tab against a real node process running the sample warehouse's
fleet on an embedded broker, with the real `sklad-sim agv` driving three vehicles over it."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import zmq.asyncio
from tui_support import PICKER, ROOT, SUPERVISOR, free_ports, start_node, until

from terminal_ui.client import TerminalClient, TerminalError
from terminal_ui.supervisor import SupervisorApp
from terminal_ui.widgets.floor_map import NO_FLEET, FleetPanel, FloorMap

VEHICLES = 3


@pytest.fixture
def fleet_node(template, tmp_path):
    """A node whose fleet has VEHICLES vehicles on its own embedded broker, and the simulator."""
    (broker_port,) = free_ports(1)

    def edit(text: str) -> str:
        text = re.sub(r"(?m)^embedded_port = .*$", f"embedded_port = {broker_port}", text)
        return re.sub(r"(?m)^count = 6$", f"count = {VEHICLES}", text)

    node = start_node(template, tmp_path, edit=edit)
    cfg = tmp_path / "warehouse.toml"
    sim = subprocess.Popen([sys.executable, "-m", "simulators.cli", "agv", "--count", str(VEHICLES), "--config",
                            str(cfg), "--broker", f"mqtt://127.0.0.1:{broker_port}", "--speedup", "10"],
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=(tmp_path / "sim.log").open("ab"))
    yield node
    sim.terminate()
    sim.wait(15)
    node.stop()


def supervisor_app(node) -> tuple[SupervisorApp, zmq.asyncio.Context]:
    ctx = zmq.asyncio.Context()
    return SupervisorApp(TerminalClient(node.router, ctx=ctx, timeout=2.0, retries=1), node.pub,
                         badge=SUPERVISOR, poll_s=0.5), ctx


def idle_count(panel: FleetPanel) -> int:
    return sum(v["state"] == "IDLE" for v in panel.vehicles)


async def test_fleet_tab_draws_the_floor_and_runs_the_fleet_operations(fleet_node) -> None:
    app, ctx = supervisor_app(fleet_node)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            panel = app.board.query_one(FleetPanel)
            await pilot.press("f4")
            await until(pilot, lambda: len(panel.vehicles) == VEHICLES and idle_count(panel) == VEHICLES,
                        30, "every vehicle online and idle")
            drawing = str(app.board.query_one(FloorMap).render())
            assert drawing.count("C") >= 3 and "─" in drawing and "│" in drawing  # chargers, lanes
            assert drawing.count("○") + drawing.count("●") >= 1  # idle vehicles placed
            assert "SkladSim" not in drawing and len(drawing.splitlines()) > 20

            await pilot.press("p")
            await until(pilot, lambda: "Paused: startPause sent to 3 vehicles" in _note(panel), 10, "pause answer")
            await until(pilot, lambda: all(v["state"] == "PAUSED" for v in panel.vehicles), 10, "all paused")
            assert "□" in str(app.board.query_one(FloorMap).render()) and "FLEET PAUSED" in _summary(panel)
            await pilot.press("r")
            await until(pilot, lambda: "Resumed" in _note(panel) and idle_count(panel) == VEHICLES, 10, "resumed")

            await pilot.press("down", "c")  # the second vehicle has no order: the node says so
            await until(pilot, lambda: "Refused: SkladSim/agv-002 has no order to cancel" in _note(panel), 10)
            await pilot.press("h")
            await until(pilot, lambda: "SkladSim/agv-002 is going to charger" in _note(panel), 10, "to charger")
            await until(pilot, lambda: panel.vehicles[1]["state"] in ("TO_CHARGER", "CHARGING"), 10)
            await pilot.press("c")
            await until(pilot, lambda: "Cancelling SkladSim/agv-002's order" in _note(panel), 10, "cancel")
    finally:
        ctx.destroy(linger=0)


async def test_fleet_map_is_for_supervisors_only(fleet_node) -> None:
    ctx = zmq.asyncio.Context()
    client = await TerminalClient(fleet_node.router, ctx=ctx, timeout=3.0, retries=1).connect()
    try:
        await client.login(PICKER)
        with pytest.raises(TerminalError) as refused:
            await client.call("fleet_map")
        assert refused.value.code == "forbidden"
        await client.login(SUPERVISOR)
        road = await client.call("fleet_map")
        assert road["map_id"] == "msk1-floor" and {n["kind"] for n in road["nodes"]} >= {"charger", "parking"}
        with pytest.raises(TerminalError) as wrong:
            await client.call("fleet_map", {"vehicle": "x"})
        assert wrong.value.code in ("invalid", "protocol")
    finally:
        await client.close()
        ctx.destroy(linger=0)


def _note(panel: FleetPanel) -> str:
    return str(panel.query_one("#fleet-note").render())


def _summary(panel: FleetPanel) -> str:
    return str(panel.query_one("#fleet-summary").render())


async def test_a_node_without_a_fleet_says_so_in_the_fleet_tab(template, tmp_path) -> None:
    node = start_node(template, tmp_path, edit=lambda text: text[:text.index("\n[fleet]")])  # fleet tables last
    app, ctx = supervisor_app(node)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            panel = app.board.query_one(FleetPanel)
            await pilot.press("f4")
            await until(pilot, lambda: _summary(panel) == NO_FLEET, 10, "the no-fleet message")
            assert panel.has_class("-absent") and not app.board.query_one("#fleet-body").display
            await pilot.press("p")
            await until(pilot, lambda: "Refused: this node runs no robot fleet" in _note(panel), 10, "refusal")
    finally:
        ctx.destroy(linger=0)
        node.stop()
