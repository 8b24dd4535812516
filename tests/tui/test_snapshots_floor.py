"""SVG snapshots of the floor-flow screens at 40x16 and 80x24, each against a node of its own:
Put wall (a batch at the wall, sorting), Returns in (a label scanned), Inspect return (a unit and
its choices). Update after a deliberate change with `pytest tests/tui/test_snapshots_floor.py
--snapshot-update`, and look at the SVGs."""

from __future__ import annotations

import pytest
import zmq.asyncio
from test_handheld_flows import open_job, steps
from test_handheld_inspect import receive_at_desk
from test_handheld_putwall import pick_a_wall_batch
from test_snapshots import SIZES
from tui_support import MUG, PACKER, RECEIVER, start_node_with_return, until

from terminal_ui.client import TerminalClient
from terminal_ui.handheld import HandheldApp


@pytest.fixture
def returns_node(template, tmp_path):
    node = start_node_with_return(template, tmp_path)
    yield node
    node.stop()


def snapshot(router: str, snap_compare, size, run_before) -> bool:
    ctx = zmq.asyncio.Context()
    try:
        app = HandheldApp(TerminalClient(router, ctx=ctx, timeout=1.5, retries=None))
        return snap_compare(app, terminal_size=size, run_before=run_before)
    finally:
        ctx.destroy(linger=0)


@pytest.mark.parametrize("size", SIZES)
def test_put_wall_sorting(node, snap_compare, size):
    async def sorting(pilot) -> None:
        await pick_a_wall_batch(node.router)
        screen = await open_job(pilot, PACKER, "Put wall")
        await steps(pilot, "T00030", "PW1-01", "PW1-02")
        await pilot.press("f2")
        await until(pilot, lambda: screen.sort.lines, what="the batch at the wall")
        await steps(pilot, MUG)

    assert snapshot(node.router, snap_compare, size, sorting)


@pytest.mark.parametrize("size", SIZES)
def test_returns_in_label_scanned(returns_node, snap_compare, size):
    async def scanned(pilot) -> None:
        await open_job(pilot, RECEIVER, "Returns in")
        await steps(pilot, "R7")

    assert snapshot(returns_node.router, snap_compare, size, scanned)


@pytest.mark.parametrize("size", SIZES)
def test_inspect_return_choices(returns_node, snap_compare, size):
    async def choosing(pilot) -> None:
        await receive_at_desk(returns_node.router)
        await open_job(pilot, RECEIVER, "Inspect return")
        await steps(pilot, "R7", MUG, "1")

    assert snapshot(returns_node.router, snap_compare, size, choosing)
