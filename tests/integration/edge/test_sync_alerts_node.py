"""Issue 14 items 8 and 10 at the running node: what needs a person in sync reaches the supervisor
as a SyncAlert event on the PUB socket, and as a gauge."""

from __future__ import annotations

import asyncio
import sqlite3

import zmq
import zmq.asyncio
from sync_support import central_ahead

from edge.runtime import build_node
from edge.terminal import protocol

UPSERT = {"type": "catalog_upsert", "sku": "KETTLE", "name": "Kettle", "gtins": [], "unit_weight_g": 1200,
          "lot_tracked": False, "dims_mm": {"length_mm": 1, "width_mm": 1, "height_mm": 1}}


async def test_a_feed_behind_the_nodes_cursor_is_raised_to_the_supervisor(cfg):
    conn = sqlite3.connect(cfg.ledger_path)
    with conn:  # this node applied five entries; central (restored from a backup) knows of two
        conn.execute("INSERT INTO sync_state(name, value) VALUES ('feed_applied_seq', '5')")
    conn.close()
    with central_ahead(cfg) as (central, cfg):
        central.add_command(UPSERT)
        central.add_command(UPSERT)
        node = await build_node(cfg)
        ctx = zmq.asyncio.Context()
        sub = ctx.socket(zmq.SUB)
        sub.setsockopt(zmq.LINGER, 0)
        sub.setsockopt(zmq.SUBSCRIBE, protocol.EVENT_PREFIX + b"SyncAlert")
        sub.connect(node.server.pub_endpoint)
        await asyncio.sleep(0.3)  # slow joiner
        stop = asyncio.Event()
        running = asyncio.create_task(node.run(stop))
        try:
            topic, alert = protocol.decode_event(await asyncio.wait_for(sub.recv_multipart(), 15))
            assert topic == "SyncAlert" and alert["state"] == "feed_behind_cursor"
            assert "ends at entry 2" in alert["problem"] and "3..5" in alert["problem"]
            assert node.metrics.registry.get_sample_value("sklad_sync_feed_behind_cursor") == 1
            assert node.metrics.registry.get_sample_value("sklad_sync_online") == 1
        finally:
            stop.set()
            await running
            sub.close(0)
            ctx.destroy(linger=0)
