"""Pickup points report what their customers did: a shipment collected, or not collected and sent back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.bootstrap import Central
from central.db.tables import deliveries, orders, shipments
from central.errors import InvalidRequest
from central.logistics import event_log
from central.logistics.errors import NotOnRoute, OutOfOrder, UnknownShipment
from central.logistics.lifecycle import Delivery
from central.logistics.tracking import advance
from central.logistics.views import EventResult


@dataclass(frozen=True)
class PickupEvent:
    event_id: str
    kind: str  # collected | not_collected
    shipment_id: str
    at: datetime | None = None
    reason: str | None = None


def pickup_point_event(central: Central, pickup_point_id: str, ev: PickupEvent) -> EventResult:
    """The pickup point hands a shipment to its customer (collected), or sends it back (not_collected)."""
    actor = f"pickup_point:{pickup_point_id}"
    body_hash = event_log.digest(pickup_point_id, ev)
    with central.db.write() as conn:
        row = _delivery_at(conn, ev.shipment_id, pickup_point_id)  # locked: one event of a shipment at a time
        if (seen := event_log.replayed(conn, ev.event_id, actor, body_hash)) is not None:
            return seen
        target = Delivery.HANDED_OVER if ev.kind == "collected" else Delivery.RETURNING
        if target is Delivery.RETURNING and not ev.reason:
            raise InvalidRequest("a shipment sent back needs a reason (e.g. 'not collected in 7 days')")
        moved = advance(conn, [ev.shipment_id], target, ev.at or central.clock(), reason=ev.reason)
        result = event_log.outcome(ev.event_id, row.route_id, None, row.stop_seq, None, moved)
        event_log.remember(conn, ev.event_id, actor, ev.kind, body_hash, result, central.clock())
        return result


def _delivery_at(conn: Connection, shipment_id: str, pickup_point_id: str) -> sa.Row:  # type: ignore[type-arg]
    conn.execute(sa.select(deliveries.c.shipment_id).where(deliveries.c.shipment_id == shipment_id)
                 .with_for_update())
    row = conn.execute(sa.select(orders.c.pickup_point_id, deliveries.c.route_id, deliveries.c.stop_seq,
                                 deliveries.c.state)
                       .select_from(shipments.join(orders, orders.c.order_id == shipments.c.order_id)
                                    .outerjoin(deliveries, deliveries.c.shipment_id == shipments.c.shipment_id))
                       .where(shipments.c.shipment_id == shipment_id)).first()
    if row is None:
        raise UnknownShipment(f"shipment {shipment_id} is unknown: check the scanned label", shipment_id=shipment_id)
    if row.pickup_point_id != pickup_point_id:
        raise NotOnRoute(f"shipment {shipment_id} is for pickup point {row.pickup_point_id}, not {pickup_point_id}",
                         shipment_id=shipment_id)
    if row.state is None:
        raise OutOfOrder(f"shipment {shipment_id} has not been delivered here yet", shipment_id=shipment_id)
    return row
