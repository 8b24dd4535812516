"""Central's side of a fenced node's rejoin (see sync/rejoin.py): in one transaction with the
warehouse's cursor, take the node's stock as the warehouse's, record each difference as a
`rejoin` discrepancy, and follow the node's new epoch from the seq it names."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from central.bootstrap import Central
from central.db.tables import discrepancies, stock
from central.sync.cursor import lock_cursor, save_cursor
from central.sync.stock_deltas import apply_deltas, discrepancy_row
from sync.applier import Cursor
from sync.rejoin import REJOIN_DISCREPANCY, RejoinAck, RejoinRequest, decide_rejoin, differences

log = logging.getLogger("central.sync")


def rejoin(central: Central, warehouse_id: str, request: RejoinRequest) -> RejoinAck:
    now = central.clock()
    ref = f"rejoin {request.node_id}:{request.epoch} at seq {request.from_seq}"
    with central.db.write() as conn:
        cursor = lock_cursor(conn, warehouse_id, now)
        if not decide_rejoin(cursor, request):
            return RejoinAck(node_id=request.node_id, epoch=request.epoch, last_seq=cursor.last_seq,
                             discrepancies=0, replay=True)
        held = dict(conn.execute(sa.select(stock.c.sku, stock.c.on_hand)
                                 .where(stock.c.warehouse_id == warehouse_id)).all())
        change = differences(held, request.on_hand)
        # Each difference is recorded for head office before the stock view takes the node's figure.
        recorded = [discrepancy_row(warehouse_id, sku, REJOIN_DISCREPANCY, held.get(sku, 0), delta, 0, ref, now)
                    for sku, delta in change.items()]
        if recorded:
            conn.execute(discrepancies.insert(), recorded)
        apply_deltas(conn, warehouse_id, change, now=now, ref=ref)
        save_cursor(conn, warehouse_id, Cursor(request.node_id, request.epoch, request.from_seq), now)
    log.warning("warehouse %s rejoined by node %s epoch %d from seq %d (was %s epoch %d at %d): %d discrepancies",
                warehouse_id, request.node_id, request.epoch, request.from_seq, cursor.node_id, cursor.epoch,
                cursor.last_seq, len(recorded))
    return RejoinAck(node_id=request.node_id, epoch=request.epoch, last_seq=request.from_seq,
                     discrepancies=len(recorded))
