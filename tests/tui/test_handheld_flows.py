"""Receiving against an ASN, putaway with the node's suggestion, blind count, pack, ship and the
supervisor's exceptions on the handheld, against a real node process."""

from __future__ import annotations

from test_handheld_picking import login_and_pick
from tui_support import MUG, PICKER, SUPERVISOR, TEA, scan, screen_text, until

from terminal_ui.screens.exceptions import ExceptionsScreen
from terminal_ui.screens.form import FormScreen
from terminal_ui.screens.menu import MenuScreen
from terminal_ui.screens.refused import RefusedScreen


async def open_job(pilot, badge: str, label: str):
    app = pilot.app
    if app.operator is None:
        await until(pilot, lambda: app.link_state == "online")
        await scan(pilot, badge)
    await until(pilot, lambda: isinstance(app.screen, MenuScreen))
    number = [job for job, _ in app.screen.jobs].index(label) + 1
    await scan(pilot, str(number))
    await until(pilot, lambda: not app.busy and app.screen.is_attached and not isinstance(app.screen, MenuScreen))
    return app.screen


async def steps(pilot, *codes: str) -> None:
    for code in codes:
        await scan(pilot, code)
        await until(pilot, lambda: not pilot.app.busy)
        assert not isinstance(pilot.app.screen, RefusedScreen), f"{code}: {screen_text(pilot.app)}"


async def test_receive_put_away_count_and_exceptions(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_job(pilot, SUPERVISOR, "Receive")
        assert isinstance(screen, FormScreen)
        await steps(pilot, "RCV-02", TEA)
        assert "Tea 100 g" in screen_text(app) and "ASN expects 20, 0 in so far" in screen_text(app)
        await steps(pilot, "12")
        assert "Received 12 x Tea 100 g at RCV-02" in screen_text(app)
        await steps(pilot, TEA)  # the door is kept: next item straight away
        assert "ASN expects 20, 12 in so far" in screen_text(app)
        await pilot.press("f1")
        screen = await open_job(pilot, SUPERVISOR, "Put away")
        await steps(pilot, "RCV-02", TEA, "10")
        suggested = screen.form.values["to_location"]
        assert f"Scan bin {suggested}" in screen_text(app)
        await steps(pilot, suggested)
        assert f"Put 10 x TEA into {suggested}" in screen_text(app)
        await pilot.press("f1")
        await open_job(pilot, SUPERVISOR, "Count")
        await steps(pilot, "A-03-01", TEA)
        assert "5" not in screen_text(app).split("Count")[-1]  # blind: the expected quantity is not shown
        await steps(pilot, "4")
        assert "Counted 4 x TEA in A-03-01" in screen_text(app)
        await pilot.press("f1")
        screen = await open_job(pilot, SUPERVISOR, "Exceptions")
        assert isinstance(screen, ExceptionsScreen) and "weight off by 480 g" in screen_text(app)
        await steps(pilot, "1", "2")
        await until(pilot, lambda: "No open exceptions" in screen_text(app))
    assert node.scalar("SELECT SUM(qty) FROM movements WHERE kind = 'receive' AND to_location = 'RCV-02'") == 12
    assert node.scalar("SELECT received FROM expected_receipts WHERE asn_id = 'ASN-1'") == 12
    assert node.scalar("SELECT COUNT(*) FROM movements WHERE kind = 'move' AND from_location = 'RCV-02'") == 1
    assert node.scalar("SELECT on_hand FROM balances WHERE sku = 'TEA' AND location = 'A-03-01'") == 4
    assert node.scalar("SELECT state FROM tasks WHERE kind = 'exception'") == "done"


async def test_pick_pack_and_ship(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await login_and_pick(pilot, PICKER)
        for code in ("A-01-01", MUG, "T00001"):
            await scan(pilot, code)
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2")
        await pilot.press("f1")
        await open_job(pilot, PICKER, "Pack")
        await scan(pilot, "T00009")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen))
        assert "Tote T00009 holds no order" in screen_text(app)
        await pilot.press("enter")
        await steps(pilot, "T00001")
        assert "Order S1" in screen_text(app) and "Weight should be 350 g" in screen_text(app)
        await steps(pilot, "PACK-01")
        assert "Packed 1 units of S1" in screen_text(app)
        await pilot.press("f1")
        await open_job(pilot, PICKER, "Ship")
        await scan(pilot, "S2")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen))
        assert "Shipment S2 is picking: only packed ones ship" in screen_text(app)
        await pilot.press("enter")
        await steps(pilot, "S1", "DOCK-01")
        assert "Shipped S1 (1 units) at DOCK-01" in screen_text(app)
    assert node.scalar("SELECT status FROM shipments WHERE id = 'S1'") == "shipped"


async def test_a_session_lost_on_the_node_sends_the_handheld_back_to_the_badge(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        await open_job(pilot, PICKER, "Pack")
        app.client.session = "0" * 32  # as after a node restart
        await scan(pilot, "T00001")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen))
        assert "scan your badge" in screen_text(app)
        await pilot.press("enter")
        assert "Scan your badge" in screen_text(app) and app.operator is None
