"""Order handlers after checkout: read, cancel, expire unpaid holds."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from central import feeds
from central.bootstrap import Central
from central.db.tables import orders, payments
from central.domain.orders import OrderStatus, check_cancellable, check_order_transition
from central.errors import Conflict
from central.services.order_store import (
    cancel_shipments_and_release,
    load_order,
    move_order,
    shipment_statuses,
)
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
    """Cancel before shipping: stock goes back; warehouses already told get a cancel command."""
    now = central.clock()
    with central.db.write() as conn:
        order = load_order(conn, cmd.order_id, cmd.customer_id)
        current = OrderStatus(order.status)
        check_order_transition(order.order_id, current, OrderStatus.CANCELLED)
        check_cancellable(order.order_id, shipment_statuses(conn, order.order_id))
        if not move_order(conn, order.order_id, current, OrderStatus.CANCELLED, now):
            raise Conflict(f"order {order.order_id} changed while it was being cancelled; "
                           "look at it again and retry", order_id=order.order_id)
        cancelled = cancel_shipments_and_release(conn, order.order_id, now)
        if current is OrderStatus.PAID:
            for shipment_id, warehouse_id in sorted(cancelled, key=lambda s: s[1]):
                feeds.append(conn, warehouse_id, [CancelShipment(
                    shipment_id=shipment_id, order_id=order.order_id, reason=cmd.reason)],
                    now=now)
            conn.execute(payments.update().where(payments.c.order_id == order.order_id)
                         .values(status="REFUND_DUE", updated_at=now))
        return load_order(conn, order.order_id)


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
            if move_order(conn, order_id, OrderStatus.PENDING_PAYMENT, OrderStatus.EXPIRED, now):
                cancel_shipments_and_release(conn, order_id, now)
                expired += 1
    return expired
