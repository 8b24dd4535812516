"""Central's side of a fenced node's rejoin (see sync/rejoin.py): in one transaction with the
warehouse's cursor, take the node's stock as the warehouse's (on hand and its unsellable part),
record each difference as a `rejoin` (or `rejoin_unsellable`) discrepancy, and follow the node's
new epoch from the seq it names."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from central.bootstrap import Central
from central.db.tables import discrepancies, stock
from central.sync.cursor import lock_cursor, save_cursor
from central.sync.stock_deltas import Level, apply_deltas, discrepancy_row
from sync.applier import Cursor
from sync.rejoin import (
    REJOIN_DISCREPANCY,
    REJOIN_UNSELLABLE_DISCREPANCY,
    RejoinAck,
    RejoinRequest,
    decide_rejoin,
    differences,
)

log = logging.getLogger("central.sync")


def rejoin(central: Central, warehouse_id: str, request: RejoinRequest) -> RejoinAck:
    now = central.clock()
    ref = f"rejoin {request.node_id}:{request.epoch} at seq {request.from_seq}"
    with central.db.write() as conn:
        cursor = lock_cursor(conn, warehouse_id, now)
        if not decide_rejoin(cursor, request):
            return RejoinAck(node_id=request.node_id, epoch=request.epoch, last_seq=cursor.last_seq,
                             discrepancies=0, replay=True)
        held = {sku: Level(on_hand, unsellable) for sku, on_hand, unsellable in conn.execute(
            sa.select(stock.c.sku, stock.c.on_hand, stock.c.unsellable).where(stock.c.warehouse_id == warehouse_id))}
        change = {sku: Level(*delta) for sku, delta in differences(held, request.stock()).items()}
        # Each difference is recorded for head office before the stock view takes the node's figure.
        recorded = [discrepancy_row(warehouse_id, sku, *row, 0, ref, now) for sku, row in _recorded(held, change)]
        if recorded:
            conn.execute(discrepancies.insert(), recorded)
        apply_deltas(conn, warehouse_id, change, now=now, ref=ref)
        save_cursor(conn, warehouse_id, Cursor(request.node_id, request.epoch, request.from_seq), now)
    log.warning("warehouse %s rejoined by node %s epoch %d from seq %d (was %s epoch %d at %d): %d discrepancies",
                warehouse_id, request.node_id, request.epoch, request.from_seq, cursor.node_id, cursor.epoch,
                cursor.last_seq, len(recorded))
    return RejoinAck(node_id=request.node_id, epoch=request.epoch, last_seq=request.from_seq,
                     discrepancies=len(recorded))


def _recorded(held: dict[str, Level], change: dict[str, Level]) -> list[tuple[str, tuple[str, int, int]]]:
    """(sku, (kind, central's figure before, change)) for each figure that differs."""
    rows = []
    for sku, delta in change.items():
        was = held.get(sku, Level(0, 0))
        if delta.on_hand:
            rows.append((sku, (REJOIN_DISCREPANCY, was.on_hand, delta.on_hand)))
        if delta.unsellable:
            rows.append((sku, (REJOIN_UNSELLABLE_DISCREPANCY, was.unsellable, delta.unsellable)))
    return rows
