"""Applying one uploaded movement batch: decode, then one transaction with the cursor.

Replays are acknowledged without effect, gaps refused with the seq to resend from, and a seq
that comes back with different content is a fence (a restored or cloned node): nothing of such
a batch is applied. Everything else in the batch is applied, because it already happened.
"""

from __future__ import annotations

import logging

from central.bootstrap import Central
from central.errors import Forbidden
from central.sync.cursor import known_digests, lock_cursor, save_cursor
from central.sync.movement_rows import insert_movements
from central.sync.shipments import furthest_stages, progress_shipments
from central.sync.stock_deltas import apply_deltas, sum_deltas
from sync.applier import Cursor, decide, overlap
from sync.errors import Fence
from sync.movements import MovementBatch, decode_batch

log = logging.getLogger("central.sync")


def apply_upload(central: Central, warehouse_id: str, body: bytes) -> dict:
    """Apply an encoded batch for `warehouse_id`; returns the ack. Raises BadBatch, Gap, Fence."""
    batch = decode_batch(body)
    if batch.warehouse_id != warehouse_id:
        raise Forbidden(f"the batch is for warehouse {batch.warehouse_id}; this token uploads only "
                        f"for {warehouse_id}", warehouse_id=warehouse_id)
    try:
        return apply_batch(central, batch)
    except Fence as exc:
        log.warning("fenced upload for %s from node %s epoch %d: %s", warehouse_id, batch.node_id,
                    batch.epoch, exc)
        raise


def apply_batch(central: Central, batch: MovementBatch) -> dict:
    now = central.clock()
    with central.db.write() as conn:
        cursor = lock_cursor(conn, batch.warehouse_id, now)
        decision = decide(cursor, batch, known_digests(conn, batch.warehouse_id, overlap(cursor, batch)))
        if decision.new:
            new = decision.new
            insert_movements(conn, batch.warehouse_id, new)
            ref = f"{batch.node_id}:{new[0].seq}-{new[-1].seq}"
            apply_deltas(conn, batch.warehouse_id, sum_deltas(new), now=now, ref=ref)
            progress_shipments(conn, batch.warehouse_id, furthest_stages(new), now)
            save_cursor(conn, batch.warehouse_id, Cursor(batch.node_id, batch.epoch, decision.through), now)
    return decision.ack
