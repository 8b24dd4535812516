"""The handheld's picking against a real node process, driven by Textual's pilot."""

from __future__ import annotations

from tui_support import MUG, PICKER, TEA, scan, screen_text, until

from terminal_ui.screens.menu import MenuScreen
from terminal_ui.screens.pick import PickScreen
from terminal_ui.screens.refused import RefusedScreen


async def login_and_pick(pilot, badge: str = PICKER) -> PickScreen:
    app = pilot.app
    await until(pilot, lambda: app.link_state == "online", what="hello")
    await scan(pilot, badge)
    await until(pilot, lambda: isinstance(app.screen, MenuScreen), what="the menu")
    await scan(pilot, "1")
    await until(pilot, lambda: isinstance(app.screen, PickScreen) and app.screen.flow is not None, what="a task")
    return app.screen


async def test_a_line_of_one_is_three_scans_and_no_key(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        assert screen.flow.task["shipment_id"] == "S1"
        text = screen_text(app)
        assert "[A-01-01]" in text and "Mug 300 ml" in text and "[1]" in text
        sent = app.sent
        await scan(pilot, "A-01-01")
        await scan(pilot, MUG)
        assert app.sent == sent  # bin and item are checked on the handheld: no round trip
        await scan(pilot, "T00001")
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2", what="the next task by itself")
        assert node.movements("pick") == 1
        assert "Tote T00001 → PACK-" in screen_text(app)
        assert "Picked 1" in screen_text(app)


async def test_quantity_by_scans_or_by_one_scan_and_the_keyed_quantity(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        for code in ("A-01-01", MUG, "T00001"):
            await scan(pilot, code)
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2")
        await scan(pilot, "A-01-01")
        for _ in range(2):
            await scan(pilot, MUG, "ctrl+j")  # LF-terminated scans count the same
        assert screen.flow.count == 2 and "[1]" in screen_text(app)
        await scan(pilot, MUG)
        await scan(pilot, "T00002")
        await until(pilot, lambda: screen.flow.task["sku"] == "TEA", what="S2's tea line")
        assert screen.flow.task["tote"] == "T00002"  # the order's tote, bound by its first pick
        await scan(pilot, "A-03-01")
        await scan(pilot, TEA)
        await scan(pilot, "T00002")
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S3")
        assert node.scalar("SELECT SUM(qty) FROM movements WHERE kind = 'pick' AND shipment_ref = 'S2'") == 4


async def test_keyed_quantity_and_lot(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        for code in ("A-01-01", MUG, "T00001", "A-01-01", MUG, "3", "T00002", "A-03-01", TEA, "T00002"):
            await scan(pilot, code)
            await until(pilot, lambda: not app.busy)
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S3")
        assert screen.flow.task["lot"] == "L1"
        await scan(pilot, "B-01-01")
        await scan(pilot, "MILK")
        await scan(pilot, "2")  # one scan, then the quantity keyed
        assert "lot L1" in screen_text(app)
        await scan(pilot, "L9")
        assert isinstance(app.screen, RefusedScreen) and "Wrong lot" in screen_text(app)
        await pilot.press("enter")
        await scan(pilot, "L1")
        await scan(pilot, "T00003")
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S4")
        assert node.scalar("SELECT lot FROM movements WHERE kind = 'pick' AND shipment_ref = 'S3'") == "L1"


async def test_a_gs1_scan_gives_the_item_and_its_lot(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        screen.flow.task.update(lot="L1", lot_tracked=True)  # S1's mug as if it were lot-tracked
        await scan(pilot, "A-01-01")
        await scan(pilot, "\x1d0104600000000015" + "10L7")
        assert isinstance(app.screen, RefusedScreen) and "this is lot L7" in screen_text(app)
        await pilot.press("escape")
        await scan(pilot, "\x1d0104600000000015" + "10L1")
        assert screen.flow.step == "tote" and screen.flow.lot == "L1"


async def test_short_pick_in_two_actions(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        await pilot.press("f2")
        await scan(pilot, "0")
        # The node moved the line to the next bin that has it: that task comes by itself.
        await until(pilot, lambda: screen.flow.task["location"] == "A-05-01", what="the next task after a short")
        assert node.scalar("SELECT state FROM tasks WHERE shipment_id = 'S1' AND location = 'A-01-01'") == "short"
        assert node.movements("pick") == 0
        assert "Short 1 recorded" in screen_text(app)
