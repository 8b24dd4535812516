"""The customer's order with each shipment's delivery state and ETA, and the status they add up to."""

from __future__ import annotations

import sqlalchemy as sa

from central.bootstrap import Central
from central.db.tables import deliveries, route_stops
from central.logistics.lifecycle import Delivery, order_delivery_status
from central.logistics.views import DeliveryView, TrackedOrderView, TrackedShipmentView
from central.services.views import OrderView

CANCELLED = "CANCELLED"


def with_delivery(central: Central, order: OrderView) -> TrackedOrderView:
    ids = [s.shipment_id for s in order.shipments]
    with central.db.read() as conn:
        rows = conn.execute(
            sa.select(deliveries.c.shipment_id, deliveries.c.state, deliveries.c.route_id, deliveries.c.reason,
                      route_stops.c.eta, route_stops.c.arrived_at)
            .select_from(deliveries.outerjoin(route_stops, sa.and_(route_stops.c.route_id == deliveries.c.route_id,
                                                                   route_stops.c.seq == deliveries.c.stop_seq)))
            .where(deliveries.c.shipment_id.in_(ids))).all()
    found = {r.shipment_id: r for r in rows}
    shipments = []
    for s in order.shipments:
        r = found.get(s.shipment_id)
        view = None if r is None else DeliveryView(
            state=r.state, pickup_point_id=order.pickup_point_id, route_id=r.route_id, reason=r.reason,
            eta=r.eta if r.state in (Delivery.PLANNED, Delivery.ON_ROUTE) else r.arrived_at)
        shipments.append(TrackedShipmentView(**s.model_dump(), delivery=view))
    live = [Delivery(found[s.shipment_id].state) if s.shipment_id in found else None
            for s in order.shipments if s.status != CANCELLED]
    status = order_delivery_status(live) or order.status
    return TrackedOrderView(**(order.model_dump() | {"status": status, "shipments": shipments}))
