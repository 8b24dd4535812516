"""SVG snapshots of the main screens at 40x16 (the smallest handheld) and 80x24, against a real node.
Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

import pytest
import zmq.asyncio
from test_handheld_picking import login_and_pick
from tui_support import MUG, PICKER, RECEIVER, scan, until

from terminal_ui.client import TerminalClient
from terminal_ui.screens.form import FormScreen
from terminal_ui.screens.menu import MenuScreen
from terminal_ui.supervisor import SupervisorApp

SIZES = [pytest.param((40, 16), id="40x16"), pytest.param((80, 24), id="80x24")]


async def online(pilot) -> None:
    await until(pilot, lambda: pilot.app.link_state == "online")


async def at_menu(pilot, badge: str = RECEIVER) -> None:
    await online(pilot)
    await scan(pilot, badge)
    await until(pilot, lambda: isinstance(pilot.app.screen, MenuScreen))


async def picking(pilot) -> None:
    await login_and_pick(pilot, PICKER)
    await scan(pilot, "A-01-01")


async def picking_refused(pilot) -> None:
    await login_and_pick(pilot, PICKER)
    await scan(pilot, "A-05-01")


async def receiving(pilot) -> None:
    await at_menu(pilot)
    await scan(pilot, "2")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    await scan(pilot, "RCV-01")
    await scan(pilot, MUG)
    await until(pilot, lambda: not pilot.app.busy and "name" in pilot.app.screen.form.values)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("run_before", [online, at_menu, picking, picking_refused, receiving],
                         ids=["login", "menu", "pick", "refused", "receive"])
def test_handheld_screens(node, handheld, snap_compare, size, run_before):
    assert snap_compare(handheld(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("tab", ["f2", "f4"], ids=["exceptions", "fleet"])
def test_supervisor_tabs(node, snap_compare, tab):
    ctx = zmq.asyncio.Context()
    app = SupervisorApp(TerminalClient(node.router, ctx=ctx, timeout=1.5, retries=0), node.pub, badge="B9001")

    async def on_tab(pilot) -> None:
        await until(pilot, lambda: app.view.last_answer is not None)
        await pilot.press(tab)
        await pilot.pause(0.2)

    try:
        assert snap_compare(app, terminal_size=(80, 24), run_before=on_tab)
    finally:
        ctx.destroy(linger=0)
