"""Cluster picking on the handheld against a real node process: totes onto the cart, F2 takes a
batch, one walk; a unit scanned into another order's tote is refused by name."""

from __future__ import annotations

from tui_support import MUG, PICKER, TEA, scan, screen_text, until

from terminal_ui.screens.cluster import ClusterScreen
from terminal_ui.screens.menu import MenuScreen
from terminal_ui.screens.refused import RefusedScreen


async def open_cluster(pilot) -> ClusterScreen:
    app = pilot.app
    await until(pilot, lambda: app.link_state == "online", what="hello")
    await scan(pilot, PICKER)
    await until(pilot, lambda: isinstance(app.screen, MenuScreen), what="the menu")
    number = [job for job, _ in app.screen.jobs].index("Cluster pick") + 1
    await scan(pilot, str(number))
    await until(pilot, lambda: isinstance(app.screen, ClusterScreen) and not app.busy, what="the cluster screen")
    return app.screen


async def test_a_cart_of_two_orders_in_one_walk(node, handheld):
    app = handheld()
    async with app.run_test(size=(40, 16)) as pilot:
        screen = await open_cluster(pilot)
        await scan(pilot, "T00011")
        await scan(pilot, "T00012")
        await scan(pilot, "T00012")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen))
        assert "Tote T00012 is already on the cart" in screen_text(app)
        await pilot.press("enter")
        await pilot.press("f2")
        await until(pilot, lambda: screen.flow is not None, what="the batch's first task")
        assert (screen.flow.task["shipment_id"], screen.flow.task["tote"]) == ("S1", "T00011")
        await scan(pilot, "A-01-01")
        await scan(pilot, MUG)
        await scan(pilot, "T00012")
        await until(pilot, lambda: isinstance(app.screen, RefusedScreen))
        assert "This unit goes to tote T00011 (order S1), not T00012." in screen_text(app)
        await pilot.press("enter")
        await scan(pilot, "T00011")
        await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2", what="S2's mugs")
        await scan(pilot, "A-01-01")
        await scan(pilot, MUG)
        await scan(pilot, "3")
        await scan(pilot, "T00012")
        await until(pilot, lambda: screen.flow.task["sku"] == "TEA", what="S2's tea")
        for code in ("A-03-01", TEA, "T00012"):
            await scan(pilot, code)
        await until(pilot, lambda: screen.flow is None, what="the batch done")
        assert "Batch 1 done: totes T00011 T00012" in screen_text(app)
        assert node.scalar("SELECT COUNT(*) FROM movements WHERE kind = 'pick'") == 3
        assert node.scalar("SELECT SUM(qty) FROM movements WHERE kind = 'pick' AND to_location = 'T00012'") == 4
