"""Replenishment and returns on the handheld, against a real node process: the next replenish task
comes by itself, the scans confirm it, a wrong face is refused with the node's words."""

from __future__ import annotations

from test_handheld_flows import open_job, steps
from tui_support import MUG, PICKER, SUPERVISOR, scan, screen_text, until

from terminal_ui.client import TerminalClient
from terminal_ui.screens.refused import RefusedScreen
from terminal_ui.screens.replenish import ReplenishScreen


async def ask_for_replenishment(router: str) -> None:
    """A supervisor puts 10 MUG into reserve and asks for 5 of them on pick face A-05-01."""
    client = await TerminalClient(router, timeout=5.0).connect()
    try:
        await client.login(SUPERVISOR)
        await client.call("receive", {"item": "MUG", "qty": 10, "location": "RCV-01"})
        await client.call("putaway", {"item": "MUG", "qty": 10, "from_location": "RCV-01", "to_location": "A-01-03"})
        await client.call("replenish_request", {"item": "MUG", "to_location": "A-05-01", "qty": 5})
    finally:
        await client.close()


async def test_a_picker_replenishes_a_face_by_scans(node, handheld):
    await ask_for_replenishment(node.router)
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_job(pilot, PICKER, "Replenish")
        assert isinstance(screen, ReplenishScreen)
        await until(pilot, lambda: "task_id" in screen.form.values, what="the replenish task")
        assert "A-01-03 → A-05-01" in screen_text(app) and "Scan reserve bin A-01-03" in screen_text(app)
        await steps(pilot, "A-01-03", MUG)
        await scan(pilot, "A-01-01")  # the wrong face: the node refuses when the quantity is sent
        await until(pilot, lambda: not app.busy)
        await scan(pilot, "5")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen), what="the refusal")
        assert "wrong face" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is screen)
        await pilot.press("escape")  # the face is asked again
        await steps(pilot, "A-05-01", "5")
        await until(pilot, lambda: "Moved 5 x MUG to A-05-01" in screen_text(app), what="the confirmation")
        await until(pilot, lambda: "No replenishment waiting" in screen_text(app), what="no more work")
