"""Acquirer callbacks: a paid order goes to its warehouses' feeds in the same transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from central import feeds
from central.bootstrap import Central
from central.db.tables import orders, payment_events, payments, reservations, shipment_lines
from central.domain.orders import OrderStatus, ShipmentStatus
from central.errors import InvalidRequest, NotFound
from central.payments.port import CallbackEvent
from central.payments.sandbox import SandboxAcquirer
from central.services.order_store import COMMITTED, HELD, move_order, move_shipments
from central.services.views import CallbackResult
from sync.feed import FeedLine, FulfilmentOrder


def handle_callback(central: Central, body: bytes, signature: str | None) -> CallbackResult:
    """Verify and apply one acquirer callback; a replayed event id changes nothing."""
    event = central.acquirer.parse_callback(body, signature)
    try:
        with central.db.write() as conn:
            return _apply(conn, central.clock(), event)
    except IntegrityError:  # the same event raced in twice; the other one recorded it
        with central.db.write() as conn:
            return _apply(conn, central.clock(), event)


def sandbox_authenticate(
    central: Central, payment_id: str, outcome: Literal["succeeded", "failed"]
) -> CallbackResult:
    """The sandbox's 3-D Secure page: the customer approved or declined; send the callback."""
    if not isinstance(central.acquirer, SandboxAcquirer):
        raise NotFound("the sandbox 3-D Secure page exists only with the sandbox acquirer")
    with central.db.read() as conn:
        pay = conn.execute(sa.select(payments.c.amount_minor, payments.c.currency)
                           .where(payments.c.payment_id == payment_id)).one_or_none()
    if pay is None:
        raise NotFound(f"no payment {payment_id}", payment_id=payment_id)
    body, signature = central.acquirer.callback_for(
        central.ids("evt"), payment_id, outcome, pay.amount_minor, pay.currency)
    return handle_callback(central, body, signature)


def _apply(conn: Connection, now: datetime, event: CallbackEvent) -> CallbackResult:
    pay = conn.execute(sa.select(payments).where(payments.c.payment_id == event.payment_id)
                       ).mappings().one_or_none()
    if pay is None:
        raise NotFound(f"callback for unknown payment {event.payment_id}",
                       payment_id=event.payment_id)
    seen = conn.execute(sa.select(payment_events.c.result)
                        .where(payment_events.c.event_id == event.event_id)).scalar_one_or_none()
    if seen is None:
        result = _decide(conn, now, event, pay)
        conn.execute(payment_events.insert().values(
            event_id=event.event_id, payment_id=event.payment_id, outcome=event.outcome,
            result=result, received_at=now))
    status = conn.execute(sa.select(orders.c.status)
                          .where(orders.c.order_id == pay["order_id"])).scalar_one()
    return CallbackResult(event_id=event.event_id, payment_id=event.payment_id,
                          result=seen or result, duplicate=seen is not None,
                          order_id=pay["order_id"], order_status=status)


def _decide(conn: Connection, now: datetime, event: CallbackEvent, pay: sa.RowMapping) -> str:
    if (event.amount_minor, event.currency) != (pay["amount_minor"], pay["currency"]):
        raise InvalidRequest(
            f"callback amount {event.amount_minor} {event.currency} does not match payment "
            f"{event.payment_id} ({pay['amount_minor']} {pay['currency']})")
    if pay["status"] == "SUCCEEDED":
        return "already_paid"
    if event.outcome == "failed":
        _set_payment(conn, event.payment_id, "FAILED", now)
        return "payment_failed"
    if not move_order(conn, pay["order_id"], OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, now):
        _set_payment(conn, event.payment_id, "REFUND_DUE", now)
        return "order_not_payable_refund_due"
    _set_payment(conn, event.payment_id, "SUCCEEDED", now)
    _send_to_warehouses(conn, pay["order_id"], now)
    return "paid"


def _set_payment(conn: Connection, payment_id: str, status: str, now: datetime) -> None:
    conn.execute(payments.update().where(payments.c.payment_id == payment_id)
                 .values(status=status, updated_at=now))


def _send_to_warehouses(conn: Connection, order_id: str, now: datetime) -> None:
    """Commit the holds and put one fulfilment command per shipment in its warehouse's feed."""
    conn.execute(reservations.update()
                 .where(reservations.c.order_id == order_id, reservations.c.status == HELD)
                 .values(status=COMMITTED))
    order = conn.execute(sa.select(orders.c.pickup_point_id, orders.c.created_at)
                         .where(orders.c.order_id == order_id)).one()
    allocated = move_shipments(conn, order_id, [ShipmentStatus.AWAITING_PAYMENT],
                               ShipmentStatus.ALLOCATED, now)
    for shipment_id, warehouse_id in sorted(allocated, key=lambda s: s[1]):
        lines = [FeedLine(sku=sku, qty=qty) for sku, qty in conn.execute(
            sa.select(shipment_lines.c.sku, shipment_lines.c.qty)
            .where(shipment_lines.c.shipment_id == shipment_id).order_by(shipment_lines.c.sku))]
        feeds.append(conn, warehouse_id, [FulfilmentOrder(
            shipment_id=shipment_id, order_id=order_id, warehouse_id=warehouse_id, lines=lines,
            pickup_point_id=order.pickup_point_id, ordered_at=order.created_at)], now=now)
