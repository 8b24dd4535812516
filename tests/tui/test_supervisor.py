"""The supervisor console against a real node process: live from events and polls, resolves
exceptions, shows a node that stopped answering, and comes back by itself when it returns."""

from __future__ import annotations

import zmq.asyncio
from tui_support import MUG, PICKER, free_ports, start_node, until

from terminal_ui.client import TerminalClient
from terminal_ui.supervisor import SupervisorApp


async def test_the_console_follows_the_floor_and_a_node_restart(template, tmp_path):
    ports = free_ports(2)
    node = start_node(template, tmp_path, ports)
    ctx = zmq.asyncio.Context()
    picker = await TerminalClient(node.router, ctx=ctx, timeout=2, retries=3).connect()
    app = SupervisorApp(TerminalClient(node.router, ctx=ctx, timeout=0.5, retries=0), node.pub, badge="B9001",
                        poll_s=0.5)
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await until(pilot, lambda: app.view.last_answer is not None, what="the first poll")
            assert "online" in app.board.query_one("#top").render().plain
            assert [x["location"] for x in app.view.exceptions] == ["PACK-02"]
            await picker.login(PICKER)
            task = (await picker.call("next_task"))["task"]
            await picker.call("confirm_pick", {"task_id": task["id"], "location": "A-01-01", "item": MUG,
                                               "tote": "T00001", "qty": 1})
            await until(pilot, lambda: any(e.split()[1] == "PickConfirmed" for e in app.view.events),
                        what="the pick event")
            await until(pilot, lambda: ("Ivan Sokolov", "-", "1", "1") in app.view.picker_rows(),
                        what="the picker and their picks in the last hour")
            await pilot.press("f2")
            await pilot.press("2")  # resolve the selected exception: "contents corrected"
            await until(pilot, lambda: not app.view.exceptions, what="the exception resolved")
            assert node.scalar("SELECT state FROM tasks WHERE kind = 'exception'") == "done"
            node.proc.kill()
            node.proc.wait()
            await until(pilot, lambda: "NOT ANSWERING" in app.board.query_one("#top").render().plain, timeout=15,
                        what="the node shown as not answering")
            node = start_node(None, tmp_path, ports)  # back on the same ports, sessions gone
            await until(pilot, lambda: "online" in app.board.query_one("#top").render().plain, timeout=20,
                        what="the console back by itself")
    finally:
        await picker.close()
        ctx.destroy(linger=0)
        node.stop()
