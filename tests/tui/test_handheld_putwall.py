"""The put wall on the handheld against a real node process: a picked batch tote is scanned at the
wall with two empty cubbies, each unit goes into its order's cubby; a wrong cubby is refused with
the node naming the right one."""

from __future__ import annotations

from test_handheld_flows import open_job, steps
from tui_support import MUG, PACKER, PICKER, TEA, refused_with, scan, screen_text, until

from terminal_ui.client import TerminalClient
from terminal_ui.screens.putwall import PutWallScreen


async def pick_a_wall_batch(router: str) -> dict:
    """A picker picks orders S1 (1 MUG) and S2 (3 MUG, 1 TEA) into one tote for the wall."""
    client = await TerminalClient(router, timeout=5.0).connect()
    try:
        await client.login(PICKER)
        started = await client.call("start_batch", {"mode": "put_wall", "tote": "T00030", "size": 2})
        task, state = started["task"], "picking"
        while state == "picking":
            state = (await client.call("batch_pick", {
                "task_id": task["id"], "location": task["location"], "item": task["sku"], "tote": "T00030",
                "qty": task["qty"] - task["done_qty"]}))["batch_state"]
            task = (await client.call("next_task"))["task"]
        assert state == "putting"
        return started
    finally:
        await client.close()


async def test_a_packer_sorts_a_batch_tote_into_the_wall(node, handheld):
    started = await pick_a_wall_batch(node.router)
    assert sorted(started["totes"]) == ["S1", "S2"]
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_job(pilot, PACKER, "Put wall")
        assert isinstance(screen, PutWallScreen) and "Scan the batch tote" in screen_text(app)
        assert "F2 start" in screen_text(app)
        await steps(pilot, "T00030", "PW1-01", "PW1-02")
        await scan(pilot, "PW1-02")
        await refused_with(pilot, "Cubby PW1-02 is scanned already")
        await pilot.press("f2")
        await until(pilot, lambda: screen.sort.lines, what="the batch at the wall")
        assert "PW1-01 ← S1" in screen_text(app) and "PW1-02 ← S2" in screen_text(app)
        assert "5 left" in screen_text(app) and "F2 start" not in screen_text(app)
        await steps(pilot, TEA)
        assert "Put TEA into cubby PW1-02" in screen_text(app)
        await scan(pilot, "PW1-01")  # S1 wants no tea: the node names the cubby that does
        await refused_with(pilot, "this unit goes to cubby PW1-02 (shipment S2), not PW1-01")
        await steps(pilot, "PW1-02")
        for cubby in ("PW1-01", "PW1-02", "PW1-02", "PW1-02"):
            await steps(pilot, MUG)
            assert f"Put MUG into cubby {cubby}" in screen_text(app)
            await steps(pilot, cubby)
        await until(pilot, lambda: f"Batch {started['batch_id']} sorted" in screen_text(app), what="the batch sorted")
        assert "Scan the batch tote" in screen_text(app) and "F2 start" in screen_text(app)
    assert node.scalar("SELECT state FROM batches WHERE id = ?", started["batch_id"]) == "done"
    assert node.scalar("SELECT SUM(qty) FROM batch_puts WHERE batch_id = ?", started["batch_id"]) == 5
