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
from central.domain.orders import SHIPMENT, OrderStatus, ShipmentEvent, ShipmentStatus
from central.domain.payments import PaymentStatus, decide_callback
from central.errors import InvalidRequest, NotFound
from central.payments.port import CallbackEvent
from central.payments.sandbox import SandboxAcquirer
from central.services.order_store import COMMITTED, HELD
from central.services.transitions import (
    lock_order,
    lock_payment,
    lock_shipments,
    write_order,
    write_payment,
    write_shipment,
)
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
    central: Central, payment_id: str, outcome: Literal["succeeded", "failed"], customer_id: str
) -> CallbackResult:
    """The sandbox's 3-D Secure page: the order's own customer approved or declined; the sandbox
    sends the callback. Another customer's payment is as unknown as a missing one."""
    if not isinstance(central.acquirer, SandboxAcquirer):
        raise NotFound("the sandbox 3-D Secure page exists only with the sandbox acquirer")
    with central.db.read() as conn:
        pay = conn.execute(sa.select(payments.c.amount_minor, payments.c.currency)
                           .join(orders, orders.c.order_id == payments.c.order_id)
                           .where(payments.c.payment_id == payment_id,
                                  orders.c.customer_id == customer_id)).one_or_none()
    if pay is None:
        raise NotFound(f"no payment {payment_id} for this account", payment_id=payment_id)
    body, signature = central.acquirer.callback_for(
        central.ids("evt"), payment_id, outcome, pay.amount_minor, pay.currency)
    return handle_callback(central, body, signature)


def _apply(conn: Connection, now: datetime, event: CallbackEvent) -> CallbackResult:
    order_id = conn.execute(sa.select(payments.c.order_id)
                            .where(payments.c.payment_id == event.payment_id)).scalar_one_or_none()
    if order_id is None:
        raise NotFound(f"callback for unknown payment {event.payment_id}",
                       payment_id=event.payment_id)
    order_status = lock_order(conn, order_id)  # the order first, as every path locks them
    pay = lock_payment(conn, event.payment_id)
    assert order_status is not None, "the payment's order exists (foreign key)"
    seen = conn.execute(sa.select(payment_events.c.result)
                        .where(payment_events.c.event_id == event.event_id)).scalar_one_or_none()
    if seen is None:
        result, order_status = _decide(conn, now, event, pay, order_status)
        conn.execute(payment_events.insert().values(
            event_id=event.event_id, payment_id=event.payment_id, outcome=event.outcome,
            result=result, received_at=now))
    return CallbackResult(event_id=event.event_id, payment_id=event.payment_id,
                          result=seen or result, duplicate=seen is not None,
                          order_id=order_id, order_status=order_status.value)


def _decide(conn: Connection, now: datetime, event: CallbackEvent, pay: sa.RowMapping,
            order_status: OrderStatus) -> tuple[str, OrderStatus]:
    """The payment's result and the order's status after the event (the order is locked: what
    is written here is what it is)."""
    if (event.amount_minor, event.currency) != (pay["amount_minor"], pay["currency"]):
        raise InvalidRequest(
            f"callback amount {event.amount_minor} {event.currency} does not match payment "
            f"{event.payment_id} ({pay['amount_minor']} {pay['currency']})")
    current = PaymentStatus(pay["status"])
    decision = decide_callback(event.payment_id, pay["order_id"], current, order_status,
                               event.outcome == "succeeded")
    refund = {"refund_minor": pay["amount_minor"]} if decision.payment.to is PaymentStatus.REFUND_DUE \
        and current is not PaymentStatus.REFUND_DUE else {}
    write_payment(conn, event.payment_id, current, decision.payment, now, **refund)
    if decision.order is None:
        return decision.payment.result, order_status
    write_order(conn, pay["order_id"], order_status, decision.order, now)
    _send_to_warehouses(conn, pay["order_id"], now)
    return decision.payment.result, decision.order.to


def _send_to_warehouses(conn: Connection, order_id: str, now: datetime) -> None:
    """Commit the holds and put one fulfilment command per shipment in its warehouse's feed."""
    conn.execute(reservations.update()
                 .where(reservations.c.order_id == order_id, reservations.c.status == HELD)
                 .values(status=COMMITTED))
    order = conn.execute(sa.select(orders.c.pickup_point_id, orders.c.created_at)
                         .where(orders.c.order_id == order_id)).one()
    sent = []
    for sid, _, warehouse_id, status in lock_shipments(conn, [order_id]):
        current = ShipmentStatus(status)
        if write_shipment(conn, sid, current, SHIPMENT.step(sid, current, ShipmentEvent.SEND), now):
            sent.append((warehouse_id, sid))
    for warehouse_id, shipment_id in sorted(sent):
        lines = [FeedLine(sku=sku, qty=qty) for sku, qty in conn.execute(
            sa.select(shipment_lines.c.sku, shipment_lines.c.qty)
            .where(shipment_lines.c.shipment_id == shipment_id).order_by(shipment_lines.c.sku))]
        feeds.append(conn, warehouse_id, [FulfilmentOrder(
            shipment_id=shipment_id, order_id=order_id, warehouse_id=warehouse_id, lines=lines,
            pickup_point_id=order.pickup_point_id, ordered_at=order.created_at)], now=now)
