"""Planned routes go to the floor: each route central plans from a warehouse is put in that
warehouse's feed as a `delivery_route` (sync.feed), in the transaction that saves it, so the floor
waves its shipments by the van and prints route and stop on their labels — and again whenever
what the van carries changes before it leaves (a shipment cancelled, one carried from an earlier
van, or left behind at the departure).

A re-plan sends the new routes with `replaces` naming the routes it threw away, or, where it made
no route for a warehouse, a `route_withdrawal` of them; so does a van left with nothing to carry.
`version` is the entry's own feed_seq, so a later change always has the higher one and the floor
keeps the latest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central import feeds
from central.db.tables import deliveries, route_stops, routes
from sync.feed import DeliveryRoute, RouteStop, RouteWithdrawal


def manifest(conn: Connection, route_id: str) -> list[RouteStop]:
    """The route's stops with the shipments it carries now (stops left with none are not sent)."""
    stops = conn.execute(sa.select(route_stops.c.seq, route_stops.c.pickup_point_id)
                         .where(route_stops.c.route_id == route_id).order_by(route_stops.c.seq)).all()
    carried: dict[int, list[str]] = {}
    for seq, sid in conn.execute(sa.select(deliveries.c.stop_seq, deliveries.c.shipment_id)
                                 .where(deliveries.c.route_id == route_id).order_by(deliveries.c.shipment_id)):
        carried.setdefault(seq, []).append(sid)
    return [RouteStop(stop=seq, pickup_point_id=pp, shipment_ids=carried[seq]) for seq, pp in stops if seq in carried]


def send(conn: Connection, route_id: str, now: datetime, replaces: Sequence[str] = ()) -> int:
    """Put the route as it stands (it carries a shipment at least) in its warehouse's feed; its
    feed_seq (and version)."""
    route = conn.execute(sa.select(routes.c.warehouse_id, routes.c.service_date, routes.c.departs_at,
                                   routes.c.vehicle_id).where(routes.c.route_id == route_id)).one()
    stops = manifest(conn, route_id)
    return feeds.append_numbered(conn, route.warehouse_id, lambda seq: DeliveryRoute(
        route_id=route_id, warehouse_id=route.warehouse_id, version=seq, service_date=route.service_date,
        departs_at=route.departs_at, vehicle_id=route.vehicle_id, replaces=list(replaces), stops=stops), now=now)


def withdraw(conn: Connection, warehouse_id: str, route_ids: Sequence[str], now: datetime, reason: str) -> int:
    """Tell the warehouse's floor to forget these routes; the entry's feed_seq (and version)."""
    return feeds.append_numbered(conn, warehouse_id, lambda seq: RouteWithdrawal(
        warehouse_id=warehouse_id, version=seq, route_ids=list(route_ids), reason=reason[:500]), now=now)
