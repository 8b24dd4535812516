"""What the floor reports moves shipments, and their orders follow: movements (pick, pack, ship)
and the outcomes of feed entries (a cancel applied, or refused because the shipment had left).

Every change goes through the shipment and order tables. A shipment that ships has its
reservations consumed in the same transaction as the ship movements take on_hand down, so
`available` never jumps; one whose cancel the floor applied gives its units back and leaves the
delivery route it was planned on. An order whose
cancel the floor has answered for every shipment is CANCELLED (all stopped) or PAID again (one
had left, and the customer sees why); either way what was stopped is refunded. An order is
FULFILLED when every shipment it has not cancelled has shipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central import stock
from central.db.tables import order_lines, payments, reservations, shipment_lines, shipments
from central.domain.orders import (
    ORDER,
    SHIPMENT,
    OrderEvent,
    OrderStatus,
    ShipmentEvent,
    ShipmentStatus,
    settle_order,
)
from central.domain.payments import PAYMENT, PaymentEvent, PaymentStatus
from central.logistics import aboard
from central.services.order_store import COMMITTED, release_shipment_stock, shipment_statuses
from central.services.transitions import (
    lock_orders,
    lock_payment,
    lock_shipments,
    one_of,
    write_order,
    write_payment,
    write_shipment,
)

CONSUMED = "CONSUMED"


def apply_floor_events(conn: Connection, warehouse_id: str, events: Mapping[str, Sequence[ShipmentEvent]],
                       now: datetime, notes: Mapping[str, str] | None = None) -> int:
    """Apply each shipment's events (in order) for this warehouse's shipments; returns how many
    changed. Shipments of other warehouses, or unknown ones, are left alone. `notes` keeps the
    floor's reason with a shipment whose cancel it refused."""
    if not events:
        return 0
    owners = _owners(conn, warehouse_id, list(events))
    statuses = lock_orders(conn, owners.values())
    changed, cancelled = 0, []
    for sid, _, _, status in lock_shipments(conn, statuses):
        if sid not in owners:
            continue
        current = ShipmentStatus(status)
        step = SHIPMENT.fold(sid, current, events[sid])
        note = (notes or {}).get(sid) if step.to is ShipmentStatus.CANCEL_REFUSED else None
        if write_shipment(conn, sid, current, step, now, **({"floor_note": note} if note else {})):
            changed += 1
            if step.to is ShipmentStatus.SHIPPED:
                _consume_reservations(conn, sid, now)
            elif step.to is ShipmentStatus.CANCELLED:
                release_shipment_stock(conn, sid, now)
                cancelled.append(sid)
    aboard.drop_cancelled(conn, cancelled, now)  # planned ahead on a van: off it, and the floor told
    for order_id, status in statuses.items():
        settle(conn, order_id, status, now)
    return changed


def settle(conn: Connection, order_id: str, status: OrderStatus, now: datetime) -> None:
    """Move a locked order to where its shipments now put it; refund what the floor stopped."""
    for event in settle_order(status, shipment_statuses(conn, order_id)):
        step = ORDER.step(order_id, status, event)
        write_order(conn, order_id, status, step, now)
        status = step.to
        if event in (OrderEvent.FLOOR_CANCELLED, OrderEvent.FLOOR_REFUSED):
            request_refund(conn, order_id, _cancelled_value(conn, order_id), now)


def request_refund(conn: Connection, order_id: str, amount_minor: int, now: datetime) -> None:
    """Mark `amount_minor` of the order's captured payment due back (the sweeper pays it)."""
    payment_id = conn.execute(sa.select(payments.c.payment_id).where(payments.c.order_id == order_id)
                              ).scalar_one_or_none()
    if payment_id is None or amount_minor <= 0:
        return
    pay = lock_payment(conn, payment_id)
    current = PaymentStatus(pay["status"])
    step = PAYMENT.step(payment_id, current, PaymentEvent.REFUND_REQUESTED)
    write_payment(conn, payment_id, current, step, now, refund_minor=min(amount_minor, pay["amount_minor"]))


def _owners(conn: Connection, warehouse_id: str, refs: list[str]) -> dict[str, str]:
    """shipment_id -> order_id of the named shipments that belong to this warehouse."""
    found: dict[str, str] = {}
    for i in range(0, len(refs), 5000):  # SQLite caps bound parameters per statement
        found.update(conn.execute(sa.select(shipments.c.shipment_id, shipments.c.order_id).where(
            one_of(conn, shipments.c.shipment_id, refs[i:i + 5000]),
            shipments.c.warehouse_id == warehouse_id)).all())
    return found


def _consume_reservations(conn: Connection, shipment_id: str, now: datetime) -> None:
    held = conn.execute(sa.select(reservations.c.warehouse_id, reservations.c.sku, reservations.c.qty)
                        .where(reservations.c.shipment_id == shipment_id, reservations.c.status == COMMITTED)
                        .order_by(reservations.c.sku)).all()
    for warehouse_id, sku, qty in held:
        stock.release(conn, warehouse_id, sku, qty, now=now)
    conn.execute(reservations.update()
                 .where(reservations.c.shipment_id == shipment_id, reservations.c.status == COMMITTED)
                 .values(status=CONSUMED))


def _cancelled_value(conn: Connection, order_id: str) -> int:
    """What the order's cancelled shipments were worth, at the prices the customer paid."""
    return conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(shipment_lines.c.qty * order_lines.c.unit_price_minor), 0))
        .select_from(shipments.join(shipment_lines, shipment_lines.c.shipment_id == shipments.c.shipment_id)
                     .join(order_lines, (order_lines.c.order_id == shipments.c.order_id)
                           & (order_lines.c.sku == shipment_lines.c.sku)))
        .where(shipments.c.order_id == order_id, shipments.c.status == ShipmentStatus.CANCELLED.value)
    ).scalar_one()
