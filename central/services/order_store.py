"""Reading and changing stored orders inside a caller's transaction."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central import stock
from central.db.tables import (
    order_lines,
    orders,
    payments,
    reservations,
    shipment_lines,
    shipments,
    warehouses,
)
from central.domain.orders import ShipmentStatus
from central.errors import NotFound
from central.services.views import (
    LineView,
    OrderLineView,
    OrderView,
    PaymentView,
    ShipmentView,
)

HELD, COMMITTED, RELEASED = "HELD", "COMMITTED", "RELEASED"


def load_order(conn: Connection, order_id: str, customer_id: str | None = None) -> OrderView:
    """The order as a customer sees it; NotFound if missing or (given a customer) not theirs."""
    query = sa.select(orders).where(orders.c.order_id == order_id)
    if customer_id is not None:
        query = query.where(orders.c.customer_id == customer_id)
    order = conn.execute(query).mappings().one_or_none()
    if order is None:
        raise NotFound(f"no order {order_id} for this account", order_id=order_id)
    lines = conn.execute(sa.select(order_lines.c.sku, order_lines.c.qty,
                                   order_lines.c.unit_price_minor)
                         .where(order_lines.c.order_id == order_id)
                         .order_by(order_lines.c.sku)).mappings()
    payment = conn.execute(sa.select(payments).where(payments.c.order_id == order_id)
                           ).mappings().one_or_none()
    shipped = _load_shipments(conn, order_id)
    return OrderView(
        **{k: order[k] for k in ("order_id", "customer_id", "status", "pickup_point_id",
                                 "total_minor", "currency", "created_at", "hold_expires_at")},
        lines=[OrderLineView(**line) for line in lines],
        shipments=shipped,
        payment=PaymentView(**payment) if payment else None,
        cancel_refused=_cancel_refused(shipped),
    )


def _cancel_refused(shipped: list[ShipmentView]) -> str | None:
    left = [s for s in shipped if s.floor_note]
    if not left:
        return None
    return "; ".join(f"the cancel was refused: shipment {s.shipment_id} had already left "
                     f"{s.warehouse_name} ({s.floor_note})" for s in left)


def _load_shipments(conn: Connection, order_id: str) -> list[ShipmentView]:
    rows = conn.execute(
        sa.select(shipments, warehouses.c.name.label("warehouse_name"))
        .join(warehouses, warehouses.c.warehouse_id == shipments.c.warehouse_id)
        .where(shipments.c.order_id == order_id).order_by(shipments.c.distance_km)
    ).mappings().all()
    lines: dict[str, list[LineView]] = {r["shipment_id"]: [] for r in rows}
    for sid, sku, qty in conn.execute(
        sa.select(shipment_lines.c.shipment_id, shipment_lines.c.sku, shipment_lines.c.qty)
        .where(shipment_lines.c.shipment_id.in_(list(lines)))
        .order_by(shipment_lines.c.sku)
    ):
        lines[sid].append(LineView(sku=sku, qty=qty))
    return [ShipmentView(**{k: r[k] for k in ("shipment_id", "warehouse_id", "warehouse_name",
                                              "status", "distance_km", "floor_note")},
                         lines=lines[r["shipment_id"]]) for r in rows]


def shipment_statuses(conn: Connection, order_id: str) -> list[ShipmentStatus]:
    return [ShipmentStatus(s) for s in conn.execute(
        sa.select(shipments.c.status).where(shipments.c.order_id == order_id)).scalars()]


def release_shipment_stock(conn: Connection, shipment_id: str, now: datetime) -> int:
    """Give back every unit one shipment still holds; returns how many units were released."""
    held = conn.execute(
        sa.select(reservations.c.warehouse_id, reservations.c.sku, reservations.c.qty)
        .where(reservations.c.shipment_id == shipment_id,
               reservations.c.status.in_([HELD, COMMITTED]))
        .order_by(reservations.c.warehouse_id, reservations.c.sku)
    ).all()
    for warehouse_id, sku, qty in held:
        stock.release(conn, warehouse_id, sku, qty, now=now)
    conn.execute(reservations.update()
                 .where(reservations.c.shipment_id == shipment_id,
                        reservations.c.status.in_([HELD, COMMITTED]))
                 .values(status=RELEASED))
    return sum(qty for _, _, qty in held)
