"""Item 7 of issue 14: a central one version ahead. Its feed carries fields and command types this
node does not know; the real agent applies what it can, records the rest as rejected, and its
cursor moves on: one bad entry never blocks the entries behind it."""

from __future__ import annotations

from sync_support import central_ahead, rows, running_agent, verified, wait_until

CATALOG = {"type": "catalog_upsert", "sku": "KETTLE", "name": "Kettle", "gtins": ["4601234567893"],
           "unit_weight_g": 1200, "lot_tracked": False, "hazmat_class": "none",  # a field of the next version
           "dims_mm": {"length_mm": 250, "width_mm": 180, "height_mm": 260, "volume_ml": 1700}}


def order(shipment: str, sku: str, qty: int, **extra) -> dict:
    return {"type": "fulfilment_order", "shipment_id": shipment, "order_id": f"O-{shipment}", "warehouse_id": "x",
            "lines": [{"sku": sku, "qty": qty, **extra}], "pickup_point_id": "PVZ-1",
            "ordered_at": "2026-11-30T08:00:00Z", **extra}


def test_a_feed_from_a_newer_central_is_applied_around_what_this_node_cannot_read(cfg):
    with central_ahead(cfg) as (central, cfg):
        central.add_command(CATALOG, trace_id="abc")                      # 1: extra fields everywhere
        central.add_command({"type": "reserve_dock_slot", "dock": "D1"})    # 2: a command of the next version
        central.add_command(order("SH-1", "MUG", 2, delivery_promise="P1D"))  # 3
        central.add_command({"type": "cancel_shipment", "shipment_id": "bad id!", "order_id": "O", "reason": "r"})
        central.feed.append("not an entry")                                 # 5: garbage
        central.add_command(order("SH-2", "TEA", 1))                        # 6
        with running_agent(cfg) as (_, agent):
            wait_until(lambda: agent.status.feed_cursor == 6, what="the feed cursor to reach 6")
            assert agent.status.state == "online" and agent.status.problem is None
    assert rows(cfg, "SELECT name FROM skus WHERE sku = 'KETTLE'") == [("Kettle",)]
    assert rows(cfg, "SELECT id, status FROM shipments ORDER BY id") == [("SH-1", "allocated"),
                                                                            ("SH-2", "allocated")]
    rejected = rows(cfg, "SELECT feed_seq, command_type, code, reason FROM feed_rejections ORDER BY feed_seq")
    assert [r[:3] for r in rejected] == [(2, "reserve_dock_slot", "unknown_command"),
                                         (4, "cancel_shipment", "invalid_entry"), (5, "?", "invalid_entry")]
    assert "unknown command 'reserve_dock_slot': upgrade this node" in rejected[0][3]
    assert "shipment_id" in rejected[1][3]
    assert verified(cfg)
