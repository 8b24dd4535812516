"""Shipment and order status from the floor: pick -> PICKING, pack -> PACKED, ship -> SHIPPED.

Statuses only move forward: a late pick of a shipment already PACKED changes nothing, and a
shipment central cancelled stays cancelled (the stock deltas still count: they happened).
When a shipment ships, its reservations are consumed (status CONSUMED) and stock.reserved is
released in the same transaction as the ship movements take on_hand down, so `available`
never jumps. An order becomes FULFILLED when every shipment it has not cancelled has shipped;
until then it stays PAID and its shipments show how far each one is.
Movements naming a shipment central does not know (or another warehouse's) move no status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from central import stock
from central.db.tables import reservations, shipments
from central.domain.orders import OrderStatus, ShipmentStatus
from central.services.order_store import COMMITTED, move_order, shipment_statuses
from sync.movements import Movement

CONSUMED = "CONSUMED"
STAGE = {"pick": ShipmentStatus.PICKING, "pack": ShipmentStatus.PACKED, "ship": ShipmentStatus.SHIPPED}
RANK = {ShipmentStatus.ALLOCATED: 0, ShipmentStatus.PICKING: 1, ShipmentStatus.PACKED: 2,
        ShipmentStatus.SHIPPED: 3}


def furthest_stages(movements: Sequence[Movement]) -> dict[str, ShipmentStatus]:
    """shipment_ref -> the furthest status the batch's movements show for it."""
    reached: dict[str, ShipmentStatus] = {}
    for m in movements:
        stage = STAGE.get(m.kind)
        if stage is not None and m.shipment_ref and RANK[stage] > RANK.get(reached.get(m.shipment_ref), -1):
            reached[m.shipment_ref] = stage
    return reached


def progress_shipments(conn: Connection, warehouse_id: str, reached: dict[str, ShipmentStatus],
                       now: datetime) -> int:
    """Move this warehouse's shipments forward to what the floor did; returns how many moved."""
    if not reached:
        return 0
    if conn.dialect.name == "postgresql":  # one array parameter: an expanding IN of 1,000 refs costs ~15 ms
        named = shipments.c.shipment_id == sa.any_(sa.bindparam("refs", list(reached), type_=ARRAY(sa.String)))
    else:
        named = shipments.c.shipment_id.in_(list(reached))
    current = conn.execute(
        sa.select(shipments.c.shipment_id, shipments.c.order_id, shipments.c.status)
        .where(named, shipments.c.warehouse_id == warehouse_id, shipments.c.status.in_([s.value for s in RANK]))
        .order_by(shipments.c.shipment_id)).all()
    moved = [(sid, oid) for sid, oid, status in current if RANK[reached[sid]] > RANK[ShipmentStatus(status)]]
    for sid, _ in moved:
        conn.execute(shipments.update().where(shipments.c.shipment_id == sid)
                     .values(status=reached[sid].value, updated_at=now))
    shipped = [(sid, oid) for sid, oid in moved if reached[sid] is ShipmentStatus.SHIPPED]
    for sid, _ in shipped:
        _consume_reservations(conn, sid, now)
    for order_id in sorted({oid for _, oid in shipped}):
        _fulfil_if_all_shipped(conn, order_id, now)
    return len(moved)


def _consume_reservations(conn: Connection, shipment_id: str, now: datetime) -> None:
    held = conn.execute(sa.select(reservations.c.warehouse_id, reservations.c.sku, reservations.c.qty)
                        .where(reservations.c.shipment_id == shipment_id, reservations.c.status == COMMITTED)
                        .order_by(reservations.c.sku)).all()
    for warehouse_id, sku, qty in held:
        stock.release(conn, warehouse_id, sku, qty, now=now)
    conn.execute(reservations.update()
                 .where(reservations.c.shipment_id == shipment_id, reservations.c.status == COMMITTED)
                 .values(status=CONSUMED))


def _fulfil_if_all_shipped(conn: Connection, order_id: str, now: datetime) -> None:
    open_ = [s for s in shipment_statuses(conn, order_id) if s is not ShipmentStatus.CANCELLED]
    if open_ and all(s is ShipmentStatus.SHIPPED for s in open_):
        move_order(conn, order_id, OrderStatus.PAID, OrderStatus.FULFILLED, now)
