"""Checkout: route an order, hold its stock, record it, and start the payment."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from central import stock
from central.bootstrap import Central
from central.crash_points import crash_point
from central.db.tables import (
    order_lines,
    orders,
    payments,
    reservations,
    shipment_lines,
    shipments,
    skus,
)
from central.db.tables import stock as stock_table
from central.domain.checkout import hold_expires_at, order_total, request_fingerprint
from central.domain.orders import ORDER, SHIPMENT, Line, check_lines
from central.domain.payments import PAYMENT
from central.domain.routing import Depot, Point, ShipmentPlan, plan_route
from central.errors import AcquirerError, IdempotencyConflict, OutOfStock, UnknownPickupPoint, UnknownSku
from central.payments.port import PaymentIntent
from central.services import checkout_pg
from central.services.network import Network
from central.services.order_store import HELD, load_order
from central.services.views import (
    LineView,
    OrderLineView,
    OrderView,
    PaymentView,
    ShipmentView,
)

RESERVE_ATTEMPTS = 3
AFTER_PAYMENT_INTENT = "after_payment_intent"

log = logging.getLogger("central.checkout")


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
    names: dict[str, str]  # warehouse_id -> name
    available: dict[str, dict[str, int]]
    destination: Point


@dataclass(frozen=True)
class Draft:
    """Everything about a new order, decided before the write transaction."""

    cmd: PlaceOrder
    order_id: str
    lines: tuple[Line, ...]
    plan: list[ShipmentPlan]
    shipment_ids: list[str]
    prices: dict[str, int]
    names: dict[str, str]
    total: int
    currency: str
    fingerprint: str
    now: datetime
    expires: datetime
    payment_id: str
    intent: PaymentIntent


class _StockMoved(Exception):
    """A conditional reservation found fewer units than the snapshot promised."""


def place_order(central: Central, cmd: PlaceOrder) -> Placed:
    """Route, ask the acquirer for a payment intent, then hold stock and record in one go.

    No transaction is open while the acquirer is called. If other buyers take the stock
    between the snapshot and the hold, nothing is kept and routing runs again with fresh
    availability (up to RESERVE_ATTEMPTS times). Every intent no recorded order ended up
    using (the checkout failed, or an earlier request with the same key won) is voided with
    the acquirer before the answer goes out: no intent is left that could take money for
    nothing. One a process killed before its commit leaves behind is the sweeper's
    (central.services.orphan_intents).
    """
    lines = check_lines(cmd.lines)
    fingerprint = request_fingerprint(cmd.pickup_point_id, lines)
    drafts: list[Draft] = []
    try:
        placed = _place(central, cmd, lines, fingerprint, drafts)
    except BaseException:
        _void_unused(central, drafts, kept=None)
        raise
    _void_unused(central, drafts, kept=placed.order.payment.payment_id if placed.created and placed.order.payment
                 else None)
    return placed


def _place(central: Central, cmd: PlaceOrder, lines: tuple[Line, ...], fingerprint: str,
           drafts: list[Draft]) -> Placed:
    for _ in range(RESERVE_ATTEMPTS):
        found = _look_up(central, cmd, lines, fingerprint)
        if isinstance(found, Placed):
            return found
        snap = found
        plan = plan_route(lines, snap.depots, snap.available, snap.destination)
        drafts.append(_draft(central, cmd, lines, plan, snap, fingerprint, drafts[-1] if drafts else None))
        crash_point(AFTER_PAYMENT_INTENT)  # the acquirer holds an intent no order uses yet
        try:
            _write(central, drafts[-1])
            return Placed(order=_view(drafts[-1]), created=True)
        except _StockMoved:
            continue
        except (IntegrityError, psycopg.IntegrityError):
            with central.db.read() as conn:
                if (replay := _replay(conn, cmd, fingerprint)) is not None:
                    return replay
            raise
    raise OutOfStock("stock for this basket is selling fast and changed while we held it; "
                     "please try again")


def _void_unused(central: Central, drafts: Sequence[Draft], kept: str | None) -> None:
    intents = {d.payment_id: d.intent.acquirer_ref for d in drafts if d.payment_id != kept}
    for payment_id, acquirer_ref in intents.items():
        try:
            central.acquirer.void_intent(payment_id, acquirer_ref)
        except AcquirerError as exc:  # it lapses at the acquirer unpaid; nothing of ours refers to it
            log.warning("could not void unused payment intent %s: %s", payment_id, exc.message)


def _look_up(central: Central, cmd: PlaceOrder, lines: Sequence[Line],
             fingerprint: str) -> Placed | _Snapshot:
    """The order an earlier request with this idempotency key made, else what to route on.

    PostgreSQL answers both in one statement (one round trip); SQLite in two.
    """
    wanted = [line.sku for line in lines]
    key = {"customer_id": cmd.customer_id, "idempotency_key": cmd.idempotency_key}
    if central.db.is_postgres:
        earlier, stock_rows = checkout_pg.earlier_or_stock(central.db, **key, skus=wanted)
        if earlier is not None:
            with central.db.read() as conn:
                return _replayed(conn, cmd, fingerprint, *earlier)
    else:
        with central.db.read() as conn:
            if (row := conn.execute(_EARLIER, key).one_or_none()) is not None:
                return _replayed(conn, cmd, fingerprint, *row)
            stock_rows = conn.execute(_SKU_STOCK, {"skus": wanted}).all()
    network = central.network.get(central.db, cmd.pickup_point_id)
    return _snapshot(network, wanted, stock_rows, cmd.pickup_point_id)


def _replay(conn: Connection, cmd: PlaceOrder, fingerprint: str) -> Placed | None:
    row = conn.execute(_EARLIER, {"customer_id": cmd.customer_id,
                                  "idempotency_key": cmd.idempotency_key}).one_or_none()
    return None if row is None else _replayed(conn, cmd, fingerprint, *row)


def _replayed(conn: Connection, cmd: PlaceOrder, fingerprint: str, order_id: str,
              request_hash: str) -> Placed:
    if request_hash != fingerprint:
        raise IdempotencyConflict(
            f"idempotency key {cmd.idempotency_key!r} was already used for order "
            f"{order_id} with a different basket or pickup point; use a new key for a "
            "new order", order_id=order_id)
    return Placed(order=load_order(conn, order_id), created=False)


def _snapshot(net: Network, wanted: list[str], stock_rows: Sequence[Sequence[Any]],
              pickup_point_id: str) -> _Snapshot:
    prices: dict[str, int] = {}
    available: dict[str, dict[str, int]] = {}
    for sku, price, warehouse_id, units in stock_rows:
        prices[sku] = price
        if warehouse_id is not None:
            available.setdefault(warehouse_id, {})[sku] = units
    if unknown := [s for s in wanted if s not in prices]:
        raise UnknownSku(f"unknown SKU(s): {', '.join(unknown)}", skus=unknown)
    if pickup_point_id not in net.pickup_points:
        raise UnknownPickupPoint(f"unknown pickup point {pickup_point_id!r}",
                             pickup_point_id=pickup_point_id)
    return _Snapshot(prices, net.depots, net.names, available, net.pickup_points[pickup_point_id])


def _draft(central: Central, cmd: PlaceOrder, lines: tuple[Line, ...],
           plan: list[ShipmentPlan], snap: _Snapshot, fingerprint: str,
           previous: Draft | None) -> Draft:
    now, total = central.clock(), order_total(lines, snap.prices)
    currency = central.settings.currency
    if previous is not None and previous.total == total:
        payment_id, intent = previous.payment_id, previous.intent
    else:
        payment_id = central.ids("pay")
        intent = central.acquirer.create_intent(payment_id, total, currency)
    return Draft(
        cmd=cmd, order_id=central.ids("ord"), lines=lines, plan=plan,
        shipment_ids=[central.ids("shp") for _ in plan], prices=snap.prices, names=snap.names,
        total=total, currency=currency, fingerprint=fingerprint, now=now,
        expires=hold_expires_at(now, central.settings.hold_minutes), payment_id=payment_id,
        intent=intent)


def _write(central: Central, draft: Draft) -> None:
    if central.db.is_postgres:
        if not checkout_pg.record(central.db, draft):
            raise _StockMoved
        return
    with central.db.write() as conn:
        _record(conn, draft)


def _record(conn: Connection, d: Draft) -> None:
    """Insert the order first (a concurrent duplicate key waits here), then hold the stock."""
    conn.execute(orders.insert(), {
        "order_id": d.order_id, "customer_id": d.cmd.customer_id,
        "idempotency_key": d.cmd.idempotency_key, "request_hash": d.fingerprint,
        "pickup_point_id": d.cmd.pickup_point_id, "status": ORDER.initial.value,
        "total_minor": d.total, "currency": d.currency, "created_at": d.now,
        "hold_expires_at": d.expires, "updated_at": d.now})
    held = sorted((p.warehouse_id, ln.sku, ln.qty) for p in d.plan for ln in p.lines)
    for warehouse_id, sku, qty in held:
        if not stock.reserve(conn, warehouse_id, sku, qty, now=d.now):
            raise _StockMoved
    pairs = list(zip(d.shipment_ids, d.plan, strict=True))
    conn.execute(shipments.insert(), [
        {"shipment_id": sid, "order_id": d.order_id, "warehouse_id": p.warehouse_id,
         "distance_km": p.distance_km, "status": SHIPMENT.initial.value,
         "updated_at": d.now} for sid, p in pairs])
    conn.execute(shipment_lines.insert(), [
        {"shipment_id": sid, "sku": ln.sku, "qty": ln.qty} for sid, p in pairs for ln in p.lines])
    conn.execute(reservations.insert(), [
        {"order_id": d.order_id, "warehouse_id": p.warehouse_id, "sku": ln.sku,
         "shipment_id": sid, "qty": ln.qty, "status": HELD, "expires_at": d.expires}
        for sid, p in pairs for ln in p.lines])
    conn.execute(order_lines.insert(), [
        {"order_id": d.order_id, "sku": ln.sku, "qty": ln.qty,
         "unit_price_minor": d.prices[ln.sku]} for ln in d.lines])
    conn.execute(payments.insert(), {
        "payment_id": d.payment_id, "order_id": d.order_id, "amount_minor": d.total,
        "currency": d.currency, "status": PAYMENT.initial.value, "acquirer_ref": d.intent.acquirer_ref,
        "redirect_url": d.intent.redirect_url, "updated_at": d.now})


def _view(d: Draft) -> OrderView:
    """The new order as load_order would return it, without reading it back."""
    return OrderView(
        order_id=d.order_id, customer_id=d.cmd.customer_id,
        status=ORDER.initial.value, pickup_point_id=d.cmd.pickup_point_id,
        total_minor=d.total, currency=d.currency, created_at=d.now, hold_expires_at=d.expires,
        lines=sorted((OrderLineView(sku=ln.sku, qty=ln.qty, unit_price_minor=d.prices[ln.sku])
                      for ln in d.lines), key=lambda v: v.sku),
        shipments=[ShipmentView(
            shipment_id=sid, warehouse_id=p.warehouse_id, warehouse_name=d.names[p.warehouse_id],
            status=SHIPMENT.initial.value, distance_km=p.distance_km,
            lines=sorted((LineView(sku=ln.sku, qty=ln.qty) for ln in p.lines),
                         key=lambda v: v.sku))
            for sid, p in zip(d.shipment_ids, d.plan, strict=True)],
        payment=PaymentView(payment_id=d.payment_id, status=PAYMENT.initial.value, amount_minor=d.total,
                            currency=d.currency, redirect_url=d.intent.redirect_url))


_EARLIER = (
    sa.select(orders.c.order_id, orders.c.request_hash)
    .where(orders.c.customer_id == sa.bindparam("customer_id"),
           orders.c.idempotency_key == sa.bindparam("idempotency_key"))
)

_SKU_STOCK = (
    sa.select(skus.c.sku, skus.c.price_minor, stock_table.c.warehouse_id,
              stock_table.c.on_hand - stock_table.c.reserved)
    .select_from(skus.outerjoin(stock_table, (stock_table.c.sku == skus.c.sku)
                                & (stock_table.c.on_hand > stock_table.c.reserved)))
    .where(skus.c.sku.in_(sa.bindparam("skus", expanding=True)))
)
