"""The waves tab of the supervisor console against a real node process: a wave planned after the
console started shows up on the node's event (the poll is slow here), R releases the chosen wave,
and a second R shows the node's refusal; a van's wave shows its route, vehicle and departure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import zmq.asyncio
from textual.widgets import DataTable
from tui_support import SUPERVISOR, start_node, start_node_after, until

from sync import feed as f
from terminal_ui.client import TerminalClient
from terminal_ui.supervisor import SupervisorApp

PLANNER = "B9002"  # a second supervisor: a badge has one session, the console keeps its own


@pytest.fixture
def node(template, tmp_path):
    second = f'\n[[operators]]\nbadge = "{PLANNER}"\nname = "Olga Planner"\nroles = ["supervisor"]\n'
    node = start_node(template, tmp_path, edit=lambda text: text + second)
    yield node
    node.stop()


def message(app) -> str:
    return app.board.query_one("#message").render().plain


async def test_waves_appear_on_the_event_and_are_released_by_key(node):
    ctx = zmq.asyncio.Context()
    boss = await TerminalClient(node.router, ctx=ctx, timeout=5, retries=3).connect()
    app = SupervisorApp(TerminalClient(node.router, ctx=ctx, timeout=2, retries=0), node.pub, badge=SUPERVISOR,
                        poll_s=60.0)
    try:
        async with app.run_test(size=(100, 24)) as pilot:
            await until(pilot, lambda: app.view.last_answer is not None, what="the first poll")
            assert app.view.wave_rows() == []
            await boss.login(PLANNER)
            planned = await boss.call("plan_waves", {"cutoffs": ["23:59"]})
            (wave_id,) = map(int, planned["planned"])
            await until(pilot, lambda: app.view.waves, what="the wave, on WavePlanned")
            (row,) = app.view.wave_rows()
            assert row[0] == str(wave_id) and row[1].endswith("23:59") and row[3] == "planned"
            assert row[4] == "4 allocated"
            await pilot.press("f5")
            await pilot.press("r")
            await until(pilot, lambda: message(app) == f"Wave {wave_id} released", what="the release")
            await until(pilot, lambda: app.view.wave_rows()[0][3] == "released", what="the wave shown released")
            assert node.scalar("SELECT state FROM waves WHERE id = ?", wave_id) == "released"
            await pilot.press("r")
            await until(pilot, lambda: "not released" in message(app), what="the refusal")
            assert "cannot be released" in message(app)
            assert app.board.query_one("#message").has_class("-error")
    finally:
        await boss.close()
        ctx.destroy(linger=0)


@pytest.fixture
def routed_node(template, tmp_path):
    """The seeded node, with central's van rt-1 carrying S1 and S2 (S3 and S4 on no route)."""
    departs = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
    node = start_node_after(template, tmp_path, f.DeliveryRoute(
        route_id="rt-1", warehouse_id="MSK-1", version=2, service_date=departs.date(), departs_at=departs,
        vehicle_id="van-1", stops=[f.RouteStop(stop=1, pickup_point_id="PVZ-1", shipment_ids=["S1", "S2"])]))
    yield node
    node.stop()


async def test_a_van_s_wave_shows_its_route_and_departure(routed_node):
    ctx = zmq.asyncio.Context()
    app = SupervisorApp(TerminalClient(routed_node.router, ctx=ctx, timeout=2, retries=0), routed_node.pub,
                        badge=SUPERVISOR, poll_s=0.2)
    try:
        async with app.run_test(size=(120, 24)) as pilot:
            await until(pilot, lambda: app.view.last_answer is not None, what="the first poll")
            assert "planned" in (await app.client.call("plan_waves", {"cutoffs": ["23:59"]}))
            await until(pilot, lambda: len(app.view.waves) == 2, what="both waves")
            await pilot.press("f5")
            rows = {row[5]: row for row in app.view.wave_rows()}
            assert rows.keys() == {"van-1 departs 07:30 · rt-1", "-"}
            assert rows["van-1 departs 07:30 · rt-1"][1:5] == ("2026-03-02 07:30", "-", "planned", "2 allocated")
            table = app.board.query_one("#wave-table", DataTable)
            shown = {str(table.get_row_at(i)[5]) for i in range(table.row_count)}
            assert "van-1 departs 07:30 · rt-1" in shown
    finally:
        ctx.destroy(linger=0)
