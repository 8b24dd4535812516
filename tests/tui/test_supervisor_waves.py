"""The waves tab of the supervisor console against a real node process: a wave planned after the
console started shows up on the node's event (the poll is slow here), R releases the chosen wave,
and a second R shows the node's refusal."""

from __future__ import annotations

import pytest
import zmq.asyncio
from tui_support import SUPERVISOR, start_node, until

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
