"""Returns inspection on the handheld against a real node process: a label not open and a bin that
takes no returns are refused in the node's words; a unit restocked, one disposed with a reason."""

from __future__ import annotations

import pytest
from test_handheld_flows import open_job, steps
from tui_support import MUG, RECEIVER, refused_with, scan, screen_text, start_node_with_return, until

from terminal_ui.client import TerminalClient
from terminal_ui.screens.inspect import InspectScreen


@pytest.fixture
def node(template, tmp_path):
    node = start_node_with_return(template, tmp_path)
    yield node
    node.stop()


async def receive_at_desk(router: str) -> None:
    client = await TerminalClient(router, timeout=5.0).connect()
    try:
        await client.login(RECEIVER)
        await client.call("return_receive", {"return_id": "R7", "location": "RET-01"})
    finally:
        await client.close()


async def test_a_receiver_restocks_one_unit_and_disposes_of_the_other(node, handheld):
    await receive_at_desk(node.router)
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_job(pilot, RECEIVER, "Inspect return")
        assert isinstance(screen, InspectScreen) and "Scan the return label" in screen_text(app)
        await scan(pilot, "R9")
        await refused_with(pilot, "not open")
        await steps(pilot, "R7", MUG, "1")
        assert "Return R7 (order O-S1)" in screen_text(app) and "1 restock" in screen_text(app)
        await steps(pilot, "1")
        assert "Scan bin" in screen_text(app)
        await scan(pilot, "RET-01")  # the desk is no bin to restock into: the node says so
        await refused_with(pilot, "restock into a pick face or reserve bin")
        await steps(pilot, "A-01-01")
        await until(pilot, lambda: "restock: 1 x MUG, 1 left" in screen_text(app), what="the restock")
        assert "Scan a returned unit" in screen_text(app)  # the same return, its next unit
        await steps(pilot, MUG, "1", "3")
        await scan(pilot, "9")
        await refused_with(pilot, "Key 1 for damaged")
        await steps(pilot, "1")
        await until(pilot, lambda: "dispose: 1 x MUG, 0 left" in screen_text(app), what="the disposal")
        assert "Scan the return label" in screen_text(app)
    assert node.scalar("SELECT state FROM returns WHERE id = 'R7'") == "inspected"
    assert node.scalar("SELECT restocked || '/' || disposed FROM return_lines WHERE return_id = 'R7'") == "1/1"
