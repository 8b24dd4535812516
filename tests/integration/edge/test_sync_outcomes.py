"""Item 5 of issue 14, the edge side: what the floor made of feed entries goes up to central
(every rejection with its code, every applied cancel), once each, resent until central
acknowledges, across restarts."""

from __future__ import annotations

import time

from sync_support import central_ahead, rows, running_agent, ship, verified, wait_until

from edge.sync_outcomes import REPORTED


def order(shipment: str, sku: str, qty: int) -> dict:
    return {"type": "fulfilment_order", "shipment_id": shipment, "order_id": f"O-{shipment}", "warehouse_id": "x",
            "lines": [{"sku": sku, "qty": qty}], "pickup_point_id": "PVZ-1", "ordered_at": "2026-11-30T08:00:00Z"}


def cancel(shipment: str) -> dict:
    return {"type": "cancel_shipment", "shipment_id": shipment, "order_id": f"O-{shipment}", "reason": "customer"}


def marker(cfg) -> int:
    return int(dict(rows(cfg, "SELECT name, value FROM sync_state")).get(REPORTED, 0))


def test_rejections_and_applied_cancels_reach_central_once_across_restarts(cfg):
    with central_ahead(cfg) as (central, cfg):
        for command in (order("SH-1", "MUG", 2), order("SH-2", "TEA", 1), cancel("SH-2"),
                        {"type": "reserve_dock_slot"}, order("SH-3", "NOPE", 1)):
            central.add_command(command)
        central.fail_outcomes = 10**6  # central cannot take reports yet: the feed still flows
        with running_agent(cfg) as (_, agent):
            # The refused report is counted by central before the agent has read the refusal: wait for both.
            wait_until(lambda: agent.status.feed_cursor == 5 and agent.status.outcomes_problem is not None,
                       what="feed and a refused report")
            assert central.outcome_posts >= 1 and agent.status.state == "online"
        assert central.outcomes == {} and marker(cfg) == 0

        central.fail_outcomes = 1  # after the restart, one more refusal, then central takes them
        with running_agent(cfg) as (writer, agent):
            wait_until(lambda: len(central.outcomes) == 3, what="three outcomes at central")
            assert {s: (o["status"], o["code"], o["shipment_id"]) for s, o in central.outcomes.items()} == {
                3: ("applied", None, "SH-2"), 4: ("rejected", "unknown_command", None),
                5: ("rejected", "not_found", "SH-3")}
            assert "upgrade this node" in central.outcomes[4]["reason"]
            ship(cfg, writer, "SH-1", "T00001")
            central.add_command(cancel("SH-1"))  # too late: the shipment has left the building
            wait_until(lambda: 6 in central.outcomes, what="the refused cancel at central")
            assert (central.outcomes[6]["code"], central.outcomes[6]["shipment_id"]) == ("already_shipped", "SH-1")
            assert "left the building" in central.outcomes[6]["reason"]
            wait_until(lambda: marker(cfg) == 6, what="the reported-through marker")

        posts = central.outcome_posts
        with running_agent(cfg):
            time.sleep(1.5)  # a report round would have gone out by now
        assert central.outcome_posts == posts  # nothing is reported twice
    assert rows(cfg, "SELECT status FROM shipments WHERE id = 'SH-1'") == [("shipped",)]
    assert verified(cfg)
