"""Replenishment and customer returns through the terminal API of a real node (ledger writer,
ROUTER on loopback), as the handheld does them, with role checks and refusals."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
import test_terminal_server as harness
from test_terminal_server import PICKER, RECEIVER, SUPERVISOR, refused

from edge.domain import commands as c
from edge.replenish_config import RuleDecl
from edge.runtime import build_node
from sync import feed as f
from terminal_ui.client import TerminalClient

# The terminal tests' fixtures (a node serving the seeded ledger with S1 allocated), used by name.
allocated_cfg, node, zctx, connect_client = harness.allocated_cfg, harness.node, harness.zctx, harness.connect_client


async def test_a_supervisor_asks_a_picker_refills_a_face_by_scans(node, connect_client):
    boss, picker = await connect_client(SUPERVISOR), await connect_client(PICKER)
    assert "holds TEA" in await refused(boss, "conflict", "replenish_request",
                                        {"item": "MUG", "to_location": "A-03-01"}, key="r-0")
    await refused(picker, "forbidden", "replenish_request", {"item": "MUG", "to_location": "A-01-01"}, key="r-1")
    asked = await boss.call("replenish_request", {"item": "MUG", "to_location": "A-01-01", "qty": 10}, key="r-2")
    task = (await picker.call("replenish_next", key="n-1"))["task"]
    assert (task["id"], task["from_location"], task["to_location"], task["qty"], task["trigger"]) == (
        asked["tasks"][0], "A-01-03", "A-01-01", 10, "manual")
    scans = {"task_id": task["id"], "from_location": "A-01-03", "item": "4600000000011", "to_location": "A-05-01",
             "qty": 10}
    assert "wrong face" in await refused(picker, "conflict", "replenish_confirm", scans, key="c-1")
    done = await picker.call("replenish_confirm", {**scans, "to_location": "A-01-01"}, key="c-2")
    assert done["remaining"] == 0 and not done["replayed"]
    stock = {(b["location"], b["on_hand"]) for b in (await picker.call("stock", {"item": "MUG"}))["balances"]}
    assert {("A-01-01", 30), ("A-01-03", 40)} <= stock
    assert (await picker.call("replenish_next", key="n-2"))["task"] is None


async def test_a_return_received_and_inspected_at_the_handheld(node, connect_client):
    notice = f.ReturnNotice(return_id="R7", order_id="O7", shipment_id="S7", warehouse_id="MSK-1",
                            lines=[f.ReturnLine(sku="MUG", qty=2, reason="changed mind")])
    assert (await node.writer.execute(c.ApplyFeedEntry("feed:1", 1, notice))).ok
    receiver = await connect_client(RECEIVER)
    (listed,) = (await receiver.call("returns"))["returns"]
    assert (listed["return_id"], listed["state"], listed["lines"][0]["qty"]) == ("R7", "expected", 2)
    assert (await receiver.call("return", {"return_id": "R7"}))["state"] == "expected"
    assert "not open" in await refused(receiver, "not_found", "return", {"return_id": "R9"})
    await refused(receiver, "protocol", "return", {"return_id": 7})
    await refused(await connect_client(PICKER), "forbidden", "return", {"return_id": "R7"})
    await receiver.call("return_receive", {"return_id": "R7", "location": "RET-01"}, key="rr-1")
    assert (await receiver.call("return", {"return_id": "R7"}))["lines"][0]["uninspected"] == 2
    with pytest.raises(harness.TerminalError) as info:
        await receiver.call("return_inspect", {"return_id": "R7", "item": "MUG", "qty": 1, "outcome": "restock"},
                            key="ri-0")
    assert "suggested: A-01-01" in info.value.message
    await receiver.call("return_inspect", {"return_id": "R7", "item": "MUG", "qty": 1, "outcome": "restock",
                                           "to_location": "A-01-01"}, key="ri-1")
    await refused(receiver, "invalid", "return_inspect", {"return_id": "R7", "item": "MUG", "qty": 1,
                                                          "outcome": "dispose"}, key="ri-2")
    await refused(receiver, "protocol", "return_inspect", {"return_id": "R7", "item": "MUG", "qty": "1",
                                                           "outcome": "dispose"}, key="ri-3")
    await receiver.call("return_inspect", {"return_id": "R7", "item": "MUG", "qty": 1, "outcome": "dispose",
                                           "reason": "cracked"}, key="ri-4")
    assert (await receiver.call("returns"))["returns"] == []
    await refused(receiver, "not_found", "return", {"return_id": "R7"})


async def test_a_pick_below_min_puts_a_replenishment_on_the_pickers_handheld(allocated_cfg, zctx):
    cfg = replace(allocated_cfg, replenishment=(RuleDecl("", "MUG", 15, 40),))  # the warehouse file's rule
    node = await build_node(cfg)
    serving = asyncio.create_task(node.server.serve())
    picker = await TerminalClient(node.server.router_endpoint, ctx=zctx, timeout=3.0, retries=0).connect()
    try:
        await picker.login(PICKER)
        task = (await picker.call("next_task"))["task"]
        await picker.call("confirm_pick", {"task_id": task["id"], "location": "A-01-01", "item": "MUG",
                                           "tote": "T00001", "qty": 20}, key="p-1")
        job = (await picker.call("replenish_next", key="n-1"))["task"]
        assert (job["from_location"], job["to_location"], job["qty"], job["trigger"]) == ("A-01-03", "A-01-01", 40,
                                                                                         "min")
    finally:
        await picker.close()
        serving.cancel()
        await node.server.drain()
        await node.close()
