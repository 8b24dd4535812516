"""Stored statuses change only by a lifecycle's step, applied to rows locked first.

Lock order, everywhere: the order row first (orders by id); what belongs to it — its payment,
its shipments (by id) — only under it; feed counters last. PostgreSQL locks with
SELECT ... FOR UPDATE; SQLite writers hold the database lock for the whole transaction already
(Database.write begins IMMEDIATE), so a read there is as good.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection

from central.db.tables import orders, payments, shipments
from central.domain.lifecycle import Step
from central.domain.orders import OrderStatus, ShipmentStatus
from central.domain.payments import PaymentStatus
from central.errors import InvariantBroken

S = TypeVar("S", bound=StrEnum)


def one_of(conn: Connection, column: sa.Column, values: list) -> sa.ColumnElement[bool]:
    """`column IN values`; on PostgreSQL one array parameter (an expanding IN of 1,000 values
    costs ~15 ms there)."""
    if conn.dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, values, type_=ARRAY(column.type)))
    return column.in_(values)


def locked(conn: Connection, query: sa.Select) -> sa.Select:
    return query.with_for_update() if conn.dialect.name == "postgresql" else query


def lock_order(conn: Connection, order_id: str, customer_id: str | None = None) -> OrderStatus | None:
    """The order's status, locked; None if there is no such order (given a customer: of theirs)."""
    query = sa.select(orders.c.status).where(orders.c.order_id == order_id)
    if customer_id is not None:
        query = query.where(orders.c.customer_id == customer_id)
    status = conn.execute(locked(conn, query)).scalar_one_or_none()
    return None if status is None else OrderStatus(status)


def lock_orders(conn: Connection, order_ids: Iterable[str]) -> dict[str, OrderStatus]:
    """Several orders' statuses, locked in id order (so two writers never deadlock on them)."""
    ids = sorted(set(order_ids))
    if not ids:
        return {}
    rows = conn.execute(locked(conn, sa.select(orders.c.order_id, orders.c.status)
                               .where(one_of(conn, orders.c.order_id, ids)).order_by(orders.c.order_id)))
    return {oid: OrderStatus(status) for oid, status in rows}


def lock_payment(conn: Connection, payment_id: str) -> sa.RowMapping:
    return conn.execute(locked(conn, sa.select(payments).where(payments.c.payment_id == payment_id))
                        ).mappings().one()


def lock_shipments(conn: Connection, order_ids: Iterable[str]) -> list[sa.Row]:
    """(shipment_id, order_id, warehouse_id, status) of the orders' shipments, locked in id order."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    return conn.execute(locked(conn, sa.select(shipments.c.shipment_id, shipments.c.order_id,
                                               shipments.c.warehouse_id, shipments.c.status)
                               .where(one_of(conn, shipments.c.order_id, ids)).order_by(shipments.c.shipment_id))).all()


def write_step(conn: Connection, table: sa.Table, key: sa.Column, key_value: str, current: S,
               step: Step[S], now: datetime, **values: Any) -> bool:
    """Store `step` for a row locked in `current`; returns whether the status changed.

    The status in the WHERE clause is a tripwire: the row is locked, so it cannot have moved.
    """
    if step.to == current and not values:
        return False
    done = conn.execute(table.update().where(key == key_value, table.c.status == current.value)
                        .values(status=step.to.value, updated_at=now, **values)).rowcount
    if done != 1:
        raise InvariantBroken(f"{table.name} {key_value} was not {current.value} under its lock")
    return step.to != current


def write_order(conn: Connection, order_id: str, current: OrderStatus, step: Step[OrderStatus],
                now: datetime) -> bool:
    return write_step(conn, orders, orders.c.order_id, order_id, current, step, now)


def write_payment(conn: Connection, payment_id: str, current: PaymentStatus, step: Step[PaymentStatus],
                  now: datetime, **values: Any) -> bool:
    return write_step(conn, payments, payments.c.payment_id, payment_id, current, step, now, **values)


def write_shipment(conn: Connection, shipment_id: str, current: ShipmentStatus, step: Step[ShipmentStatus],
                   now: datetime, **values: Any) -> bool:
    return write_step(conn, shipments, shipments.c.shipment_id, shipment_id, current, step, now, **values)
