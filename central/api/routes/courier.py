"""Couriers (a van's token) report their route; pickup points (their token) report collections."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from central.api.auth import CentralDep
from central.api.courier_auth import CourierDep, PickupPointDep
from central.api.logistics_schemas import CourierEventIn, PickupEventIn
from central.api.schemas import ERROR_RESPONSES, IdPath
from central.db.tables import routes
from central.logistics import collection, tracking
from central.logistics.lifecycle import RouteStatus
from central.logistics.store import load_routes
from central.logistics.views import EventResult, RouteView

router = APIRouter(tags=["courier"], responses=ERROR_RESPONSES)


@router.get("/courier/v1/routes", response_model=list[RouteView])
def my_routes(central: CentralDep, van: CourierDep) -> list[RouteView]:
    """This van's routes that have not been completed, with stops, shipments and ETAs."""
    with central.db.read() as conn:
        return load_routes(conn, sa.and_(routes.c.warehouse_id == van.warehouse_id,
                                         routes.c.vehicle_id == van.vehicle_id,
                                         routes.c.status != RouteStatus.COMPLETED.value))


@router.post("/courier/v1/routes/{route_id}/events", response_model=EventResult)
def route_event(route_id: IdPath, body: CourierEventIn, central: CentralDep, van: CourierDep) -> EventResult:
    """departed; arrived (stop); handed_over (stop, scanned shipment_ids); stop_failed (stop, reason);
    position (lat, lon). Idempotent by event_id; an event the route's state does not allow is a 409."""
    ev = tracking.CourierEvent(body.event_id, body.type, body.at, body.stop, tuple(body.shipment_ids), body.reason,
                               body.lat, body.lon)
    return tracking.courier_event(central, van, route_id, ev)


@router.post("/pickup-point/v1/events", response_model=EventResult)
def pickup_event(body: PickupEventIn, central: CentralDep, point: PickupPointDep) -> EventResult:
    """collected: the customer took the shipment; not_collected (reason): it goes back. Idempotent by event_id."""
    ev = collection.PickupEvent(body.event_id, body.type, body.shipment_id, body.at, body.reason)
    return collection.pickup_point_event(central, point, ev)
