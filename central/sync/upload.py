"""Applying one uploaded movement batch: decode, then one transaction with the cursor.

The batch is decoded, validated, digested and turned into rows and per-SKU totals before the
transaction; inside it, only the database work (so a batch queued on the cursor lock behind its
predecessor has done its CPU work already). Replays are acknowledged without effect, gaps
refused with the seq to resend from, and a seq that comes back with different content is a
fence (a restored or cloned node): nothing of such a batch is applied. Everything else in the
batch is applied, because it already happened.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from central.bootstrap import Central
from central.domain.orders import ShipmentEvent
from central.errors import Forbidden
from central.services.returns import count_received
from central.sync.cursor import known_digests, lock_cursor, save_cursor
from central.sync.movement_rows import insert_movements, rows
from central.sync.shipments import floor_events, progress_shipments
from central.sync.stock_deltas import Level, apply_deltas, sum_deltas
from sync.applier import Cursor, decide, overlap
from sync.errors import Fence
from sync.movements import Movement, MovementBatch, decode_batch

log = logging.getLogger("central.sync")


@dataclass(frozen=True)
class Prepared:
    """What a batch will write, worked out before its transaction: uploads of one warehouse queue
    on the cursor row lock, so only the database work is done while holding it."""

    rows: list[tuple]
    totals: dict[str, Level]
    stages: dict[str, list[ShipmentEvent]]

    @classmethod
    def of(cls, warehouse_id: str, movements: Sequence[Movement], digests: Sequence[str] | None) -> Prepared:
        return cls(rows(warehouse_id, movements, digests), sum_deltas(movements), floor_events(movements))


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
    wid = batch.warehouse_id
    whole = Prepared.of(wid, batch.movements, batch.digests)  # the usual case: nothing of it applied yet
    now = central.clock()
    with central.db.write() as conn:
        cursor = lock_cursor(conn, wid, now)
        decision = decide(cursor, batch, known_digests(conn, wid, overlap(cursor, batch)))
        if decision.new:
            new = decision.new
            work = whole if not decision.duplicates else Prepared.of(
                wid, new, batch.digests[decision.duplicates:] if batch.digests is not None else None)
            insert_movements(conn, work.rows)
            ref = f"{batch.node_id}:{new[0].seq}-{new[-1].seq}"
            apply_deltas(conn, wid, work.totals, now=now, ref=ref)
            progress_shipments(conn, wid, work.stages, now)
            count_received(conn, wid, new, now)
            save_cursor(conn, batch.warehouse_id, Cursor(batch.node_id, batch.epoch, decision.through), now)
    return decision.ack
