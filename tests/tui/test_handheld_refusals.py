"""Each kind of refused scan: bell, whole screen in the error colour, plain words, nothing taken
until Enter or Esc, nothing changed on the node."""

from __future__ import annotations

from test_handheld_picking import login_and_pick
from tui_support import MUG, TEA, scan, screen_text, until

from terminal_ui.screens.pick import PickScreen
from terminal_ui.screens.refused import RefusedScreen


async def s2_at_the_item(pilot) -> PickScreen:
    """S1 picked into T00001; S2's first task (MUG x3) up."""
    screen = await login_and_pick(pilot)
    for code in ("A-01-01", MUG, "T00001"):
        await scan(pilot, code)
    await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2")
    return screen


# (scans, what the refusal says), in the order one picker could make them at S2's first task
REFUSALS = [
    (["A-05-01"], "Wrong bin: you scanned A-05-01. Go to A-01-01."),
    (["A-01-01", TEA], "Wrong item: you scanned TEA. Pick Mug 300 ml (MUG)."),
    (["A-05-01"], "That is bin A-05-01: scan the item in bin A-01-01."),
    (["ZZ-404"], "Unknown barcode ZZ-404"),
    (["\x01\x02garbage"], "unreadable scan"),
    (["\x1d01046000000000"], "unreadable scan"),  # a GS1 string cut short
    ([MUG, "7"], "Quantity 7 is not possible"),
    (["3", "T00001"], "tote T00001 already holds shipment S1"),
    ([MUG], "All 3 are scanned: scan the tote now."),
]


async def test_each_kind_of_refused_scan(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await s2_at_the_item(pilot)
        picks = node.movements("pick")
        for scans, words in REFUSALS:
            for code in scans:
                await scan(pilot, code)
                await until(pilot, lambda: not app.busy)
            assert isinstance(app.screen, RefusedScreen), (words, screen_text(app))
            assert words in screen_text(app)
            step, count = screen.flow.step, screen.flow.count
            await scan(pilot, "A-01-01")  # nothing is taken while the refusal is up
            assert isinstance(app.screen, RefusedScreen) and (screen.flow.step, screen.flow.count) == (step, count)
            await pilot.press("enter" if len(scans) % 2 else "escape")  # either acknowledges it
            assert app.screen is screen
        assert node.movements("pick") == picks
        await scan(pilot, "T00002")
        await until(pilot, lambda: screen.flow.task["sku"] == "TEA")
        assert node.movements("pick") == picks + 1


async def test_wrong_tote_for_an_order_that_already_has_one(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await s2_at_the_item(pilot)
        for code in ("A-01-01", MUG, "3", "T00002"):
            await scan(pilot, code)
        await until(pilot, lambda: screen.flow.task["sku"] == "TEA")
        for code in ("A-03-01", TEA, "T00009"):
            await scan(pilot, code)
        assert isinstance(app.screen, RefusedScreen)
        assert "Wrong tote: this order is in tote T00002" in screen_text(app)


async def test_the_bell_rings_unless_switched_off(node, handheld):
    rings = []
    app = handheld()
    app.bell = lambda: rings.append(1)
    async with app.run_test(size=(40, 16)) as pilot:
        await login_and_pick(pilot)
        await scan(pilot, "A-05-01")
        assert rings == [1]
        await pilot.press("enter", "f4")
        assert not app.sound and "Sound off" in screen_text(app)
        await scan(pilot, "A-05-01")
        assert rings == [1] and isinstance(app.screen, RefusedScreen)


async def test_a_scan_while_a_request_is_out_is_not_taken_and_nothing_is_sent_twice(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot)
        await scan(pilot, "A-01-01")
        await scan(pilot, MUG)
        sent = app.sent
        for _ in range(2):  # a double scan, both in before the node could answer the first
            for key in [*"T00001", "enter"]:
                for item in app.keys.key(key, key if len(key) == 1 else None):
                    app.take(item)
        assert app.sent == sent + 1
        assert "Wait: still sending" in screen_text(app)
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2")
        assert node.movements("pick") == 1
