"""Checkout: route an order, hold its stock, record it, and start the payment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from central import stock
from central.bootstrap import Central
from central.db.tables import (
    order_lines,
    orders,
    payments,
    pickup_points,
    reservations,
    shipment_lines,
    shipments,
    skus,
    warehouses,
)
from central.domain.checkout import hold_expires_at, order_total, request_fingerprint
from central.domain.orders import Line, OrderStatus, ShipmentStatus, check_lines
from central.domain.routing import Depot, Point, ShipmentPlan, plan_route
from central.errors import IdempotencyConflict, InvalidRequest, OutOfStock, UnknownSku
from central.services.order_store import HELD, load_order
from central.services.views import OrderView

RESERVE_ATTEMPTS = 3


@dataclass(frozen=True)
class PlaceOrder:
    customer_id: str
    idempotency_key: str
    pickup_point_id: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Placed:
    order: OrderView
    created: bool  # False: an earlier request with the same idempotency key made it


@dataclass(frozen=True)
class _Snapshot:
    prices: dict[str, int]
    depots: list[Depot]
    available: dict[str, dict[str, int]]
    destination: Point


class _StockMoved(Exception):
    """A conditional reservation found fewer units than the snapshot promised."""


def place_order(central: Central, cmd: PlaceOrder) -> Placed:
    lines = check_lines(cmd.lines)
    fingerprint = request_fingerprint(cmd.pickup_point_id, lines)
    if (replay := _replay(central, cmd, fingerprint)) is not None:
        return replay
    for _ in range(RESERVE_ATTEMPTS):
        with central.db.read() as conn:
            snap = _snapshot(conn, lines, cmd.pickup_point_id)
        plan = plan_route(lines, snap.depots, snap.available, snap.destination)
        try:
            with central.db.write() as conn:
                order_id = _record(conn, central, cmd, lines, plan, snap.prices, fingerprint)
            break
        except _StockMoved:
            continue
        except IntegrityError:
            if (replay := _replay(central, cmd, fingerprint)) is not None:
                return replay
            raise
    else:
        raise OutOfStock("stock for this basket is selling fast and changed while we held "
                         "it; please try again")
    return Placed(order=_start_payment(central, order_id), created=True)


def _replay(central: Central, cmd: PlaceOrder, fingerprint: str) -> Placed | None:
    with central.db.read() as conn:
        row = conn.execute(
            sa.select(orders.c.order_id, orders.c.request_hash)
            .where(orders.c.customer_id == cmd.customer_id,
                   orders.c.idempotency_key == cmd.idempotency_key)
        ).one_or_none()
    if row is None:
        return None
    if row.request_hash != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {cmd.idempotency_key!r} was already used for order "
            f"{row.order_id} with a different basket or pickup point; use a new key for a "
            "new order", order_id=row.order_id)
    return Placed(order=_start_payment(central, row.order_id), created=False)


def _snapshot(conn: Connection, lines: Sequence[Line], pickup_point_id: str) -> _Snapshot:
    wanted = [line.sku for line in lines]
    prices = dict(conn.execute(sa.select(skus.c.sku, skus.c.price_minor)
                               .where(skus.c.sku.in_(wanted))).all())
    if unknown := [s for s in wanted if s not in prices]:
        raise UnknownSku(f"unknown SKU(s): {', '.join(unknown)}", skus=unknown)
    point = conn.execute(sa.select(pickup_points.c.lat, pickup_points.c.lon)
                         .where(pickup_points.c.pickup_point_id == pickup_point_id)).one_or_none()
    if point is None:
        raise InvalidRequest(f"unknown pickup point {pickup_point_id!r}",
                             pickup_point_id=pickup_point_id)
    depots = [Depot(w, Point(lat, lon)) for w, lat, lon in conn.execute(
        sa.select(warehouses.c.warehouse_id, warehouses.c.lat, warehouses.c.lon))]
    return _Snapshot(prices, depots, stock.availability(conn, wanted), Point(*point))


def _record(
    conn: Connection, central: Central, cmd: PlaceOrder, lines: Sequence[Line],
    plan: Sequence[ShipmentPlan], prices: dict[str, int], fingerprint: str,
) -> str:
    """Insert the order first (a concurrent duplicate key waits here), then hold the stock."""
    now = central.clock()
    expires = hold_expires_at(now, central.settings.hold_minutes)
    order_id, total = central.ids("ord"), order_total(lines, prices)
    conn.execute(orders.insert().values(
        order_id=order_id, customer_id=cmd.customer_id, idempotency_key=cmd.idempotency_key,
        request_hash=fingerprint, pickup_point_id=cmd.pickup_point_id,
        status=OrderStatus.PENDING_PAYMENT.value, total_minor=total,
        currency=central.settings.currency, created_at=now, hold_expires_at=expires,
        updated_at=now))
    held = sorted((p.warehouse_id, ln.sku, ln.qty) for p in plan for ln in p.lines)
    for warehouse_id, sku, qty in held:
        if not stock.reserve(conn, warehouse_id, sku, qty, now=now):
            raise _StockMoved
    _record_shipments(conn, central, order_id, plan, expires, now)
    conn.execute(order_lines.insert(), [
        {"order_id": order_id, "sku": ln.sku, "qty": ln.qty, "unit_price_minor": prices[ln.sku]}
        for ln in lines])
    conn.execute(payments.insert().values(
        payment_id=central.ids("pay"), order_id=order_id, amount_minor=total,
        currency=central.settings.currency, status="PENDING", updated_at=now))
    return order_id


def _record_shipments(
    conn: Connection, central: Central, order_id: str, plan: Sequence[ShipmentPlan],
    expires: datetime, now: datetime,
) -> None:
    ship_rows, line_rows, hold_rows = [], [], []
    for p in plan:
        sid = central.ids("shp")
        ship_rows.append({"shipment_id": sid, "order_id": order_id,
                          "warehouse_id": p.warehouse_id, "distance_km": p.distance_km,
                          "status": ShipmentStatus.AWAITING_PAYMENT.value, "updated_at": now})
        for ln in p.lines:
            line_rows.append({"shipment_id": sid, "sku": ln.sku, "qty": ln.qty})
            hold_rows.append({"order_id": order_id, "warehouse_id": p.warehouse_id,
                              "sku": ln.sku, "shipment_id": sid, "qty": ln.qty,
                              "status": HELD, "expires_at": expires})
    conn.execute(shipments.insert(), ship_rows)
    conn.execute(shipment_lines.insert(), line_rows)
    conn.execute(reservations.insert(), hold_rows)


def _start_payment(central: Central, order_id: str) -> OrderView:
    """Ask the acquirer for a payment intent unless the order already has one."""
    with central.db.read() as conn:
        order = load_order(conn, order_id)
    pay = order.payment
    if pay is None or pay.redirect_url is not None or order.status != OrderStatus.PENDING_PAYMENT:
        return order
    intent = central.acquirer.create_intent(pay.payment_id, pay.amount_minor, pay.currency)
    with central.db.write() as conn:
        conn.execute(payments.update()
                     .where(payments.c.payment_id == pay.payment_id,
                            payments.c.redirect_url.is_(None))
                     .values(acquirer_ref=intent.acquirer_ref, redirect_url=intent.redirect_url,
                             updated_at=central.clock()))
    payment = pay.model_copy(update={"redirect_url": intent.redirect_url})
    return order.model_copy(update={"payment": payment})
