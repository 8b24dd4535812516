"""Feed outcomes survive a power cut: a real `sklad-edge run` that recorded rejections central
could not take yet is killed with SIGKILL; started again, it reports them, once."""

from __future__ import annotations

import time

from central_ahead import TOKEN, CentralAhead, serve
from sync_support import rows, wait_until

from simulators.processes import kill9, start_node, stop
from simulators.workload import scratch_config


def test_outcomes_not_yet_acknowledged_are_sent_after_a_kill_9(tmp_path):
    central = CentralAhead("")
    server = serve(central)
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        config, cfg = scratch_config(tmp_path, totes=10, central=url, token=TOKEN, sync_timeouts=(2.0, 0.3))
        central.warehouse_id = cfg.id
        central.add_command({"type": "reserve_dock_slot", "dock": "D1"})
        central.add_command({"type": "fulfilment_order", "shipment_id": "SH-1", "order_id": "O-1",
                             "warehouse_id": cfg.id, "lines": [{"sku": "NOPE", "qty": 1}],
                             "pickup_point_id": "PVZ-1", "ordered_at": "2026-11-30T08:00:00Z"})
        central.fail_outcomes = 10**6
        node, _ = start_node(config)
        try:
            wait_until(lambda: central.outcome_posts >= 2, what="reports central refused")
            assert rows(cfg, "SELECT feed_seq, code FROM feed_rejections ORDER BY feed_seq") == [
                (1, "unknown_command"), (2, "not_found")]
        finally:
            kill9(node)
        central.fail_outcomes = 0
        node, _ = start_node(config)
        try:
            wait_until(lambda: len(central.outcomes) == 2, what="the outcomes at central")
            assert [central.outcomes[s]["code"] for s in (1, 2)] == ["unknown_command", "not_found"]
        finally:
            assert stop(node) == 0
        posts = central.outcome_posts
        node, _ = start_node(config)
        try:
            time.sleep(1.5)
        finally:
            stop(node)
        assert central.outcome_posts == posts and central.outcome_duplicates == 0
    finally:
        server.shutdown()
        server.server_close()
