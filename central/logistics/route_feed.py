"""Planned routes go to the floor: each route central plans from a warehouse is put in that
warehouse's feed as a `delivery_route` (sync.feed), in the transaction that saves the plan, so
the floor waves its shipments by the van and prints route and stop on their labels.

A re-plan sends the new routes with `replaces` naming the routes it threw away; `version` is the
entry's own feed_seq, so a later plan always has the higher one and the floor keeps the latest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from central import feeds
from central.logistics.calendar import PlanDay
from central.logistics.plan import PlannedRoute
from sync.feed import DeliveryRoute, RouteStop


def route_entry(route_id: str, day: PlanDay, route: PlannedRoute, version: int,
                replaces: Sequence[str]) -> DeliveryRoute:
    return DeliveryRoute(
        route_id=route_id, warehouse_id=route.warehouse_id, version=version, service_date=day.day,
        departs_at=day.at(route.depart_s), vehicle_id=route.vehicle_id, replaces=list(replaces),
        stops=[RouteStop(stop=s.seq, pickup_point_id=s.pickup_point_id, shipment_ids=list(s.parcels))
               for s in route.stops if s.parcels])


def announce(conn: Connection, route_id: str, day: PlanDay, route: PlannedRoute, planned_at: datetime,
             replaces: Sequence[str]) -> int:
    """Put the route in its warehouse's feed; its feed_seq (and version)."""
    return feeds.append_numbered(conn, route.warehouse_id,
                                 lambda seq: route_entry(route_id, day, route, seq, replaces), now=planned_at)
