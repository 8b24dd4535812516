"""Order handlers after checkout: read, cancel, expire unpaid holds."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from central import feeds
from central.bootstrap import Central
from central.db.tables import orders
from central.domain.orders import (
    ORDER,
    SHIPMENT,
    OrderEvent,
    OrderStatus,
    ShipmentEvent,
    ShipmentStatus,
    cancel_steps,
)
from central.errors import NotFound
from central.services.order_store import load_order, release_shipment_stock
from central.services.transitions import lock_order, lock_shipments, write_order, write_shipment
from central.services.views import OrderView
from sync.feed import CancelShipment

SWEEP_BATCH = 200


@dataclass(frozen=True)
class CancelOrder:
    order_id: str
    customer_id: str | None  # None: an operator acting for the customer
    reason: str = "cancelled by customer"


def get_order(central: Central, order_id: str, customer_id: str | None) -> OrderView:
    with central.db.read() as conn:
        return load_order(conn, order_id, customer_id)


def cancel_order(central: Central, cmd: CancelOrder) -> OrderView:
    """An unpaid order is cancelled at once and its stock goes back. A paid one is on the floor
    already: each warehouse gets a cancel command and the order waits (CANCEL_REQUESTED) for the
    floor's answer (central.services.floor), which decides between release-and-refund and
    "it had already left"."""
    now = central.clock()
    with central.db.write() as conn:
        current = lock_order(conn, cmd.order_id, cmd.customer_id)
        if current is None:  # not theirs is as unknown as missing
            raise NotFound(f"no order {cmd.order_id} for this account", order_id=cmd.order_id)
        rows = {sid: (wid, ShipmentStatus(status))
                for sid, _, wid, status in lock_shipments(conn, [cmd.order_id])}
        order_step, steps = cancel_steps(cmd.order_id, current, {sid: st for sid, (_, st) in rows.items()})
        write_order(conn, cmd.order_id, current, order_step, now)
        for sid, step in sorted(steps.items(), key=lambda kv: (rows[kv[0]][0], kv[0])):
            warehouse_id, status = rows[sid]
            if not write_shipment(conn, sid, status, step, now):
                continue
            if step.to is ShipmentStatus.CANCELLED:
                release_shipment_stock(conn, sid, now)
            else:
                feeds.append(conn, warehouse_id, [CancelShipment(
                    shipment_id=sid, order_id=cmd.order_id, reason=cmd.reason)], now=now)
        return load_order(conn, cmd.order_id)


def expire_due(central: Central, limit: int = SWEEP_BATCH) -> int:
    """Expire unpaid orders whose hold has run out and release their stock; returns how many."""
    now = central.clock()
    with central.db.read() as conn:
        due = conn.execute(
            sa.select(orders.c.order_id)
            .where(orders.c.status == OrderStatus.PENDING_PAYMENT.value,
                   orders.c.hold_expires_at <= now)
            .order_by(orders.c.hold_expires_at).limit(limit)
        ).scalars().all()
    expired = 0
    for order_id in due:
        with central.db.write() as conn:
            current = lock_order(conn, order_id)
            if current is None or not ORDER.allows(current, OrderEvent.EXPIRE):
                continue  # paid (or cancelled) since the list was read
            write_order(conn, order_id, current, ORDER.step(order_id, current, OrderEvent.EXPIRE), now)
            for sid, _, _, status in lock_shipments(conn, [order_id]):
                step = SHIPMENT.step(sid, ShipmentStatus(status), ShipmentEvent.CANCEL)
                if write_shipment(conn, sid, ShipmentStatus(status), step, now):
                    release_shipment_stock(conn, sid, now)
            expired += 1
    return expired
