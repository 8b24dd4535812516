"""The Wi-Fi drops in the middle of a confirm: the handheld says it is reconnecting, takes no new
scan, resends the same request (same id, same key) and shows the answer; exactly one pick results."""

from __future__ import annotations

from test_handheld_picking import login_and_pick
from tui_support import MUG, scan, screen_text, until

from simulators.netproxy import FaultyProxy


async def test_a_link_drop_mid_confirm_picks_exactly_once(node, handheld):
    host, port = node.router.removeprefix("tcp://").rsplit(":", 1)
    proxy = FaultyProxy(host, int(port)).start()
    try:
        app = handheld(f"tcp://127.0.0.1:{proxy.port}", timeout=0.3)
        async with app.run_test(size=(40, 16)) as pilot:
            screen = await login_and_pick(pilot)
            await scan(pilot, "A-01-01")
            await scan(pilot, MUG)
            proxy.set_mode("blackhole")  # the confirm goes out and nothing comes back
            await scan(pilot, "T00001")
            await until(pilot, lambda: app.link_state.startswith("reconnecting"), what="reconnecting")
            assert "RECONNECTING" in screen_text(app)
            await scan(pilot, "A-05-01")
            assert "Reconnecting: scan again when connected" in screen_text(app)
            proxy.set_mode("cut")  # the connection breaks; ZeroMQ dials again
            await pilot.pause(0.5)
            proxy.set_mode("pass")
            await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2", what="the answer after the link")
            assert app.link_state == "online"
            assert "Picked 1" in screen_text(app)
        assert node.movements("pick") == 1
        assert node.scalar("SELECT COUNT(*) FROM movements WHERE kind = 'pick' AND shipment_ref = 'S1'") == 1
    finally:
        proxy.stop()


async def test_the_answer_held_up_on_the_link_is_not_applied_twice(node, handheld):
    """The held request and its resends all reach the node at once: it applies the first only."""
    host, port = node.router.removeprefix("tcp://").rsplit(":", 1)
    proxy = FaultyProxy(host, int(port)).start()
    try:
        app = handheld(f"tcp://127.0.0.1:{proxy.port}", timeout=0.2)
        async with app.run_test(size=(40, 16)) as pilot:
            screen = await login_and_pick(pilot)
            await scan(pilot, "A-01-01")
            await scan(pilot, MUG)
            proxy.set_mode("blackhole")
            await scan(pilot, "T00001")
            await until(pilot, lambda: app.link_state == "reconnecting (3)", what="three resends")
            proxy.set_mode("pass")
            await until(pilot, lambda: screen.flow.task["shipment_id"] == "S2", what="the answer")
        assert node.movements("pick") == 1
    finally:
        proxy.stop()
