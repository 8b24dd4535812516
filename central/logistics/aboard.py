"""What a van carries changes after planning, because most of it is planned before the floor
ships it: a shipment the floor cancels leaves its route at once, and at the departure what the
floor has not shipped stays behind and is carried to the next van (`carry`). Every route that
changes goes to the floor again (`route_feed`): loads and stops as they now stand, or a
withdrawal when the van has nothing left to carry.

All of it runs in the caller's transaction, under a lock on each route it changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.tables import deliveries, route_stops, routes, shipments
from central.domain.orders import ShipmentStatus
from central.logistics import route_feed, store
from central.logistics.carry import NextVan, carry
from central.logistics.errors import OutOfOrder
from central.logistics.lifecycle import Delivery, RouteStatus, at_departure
from central.logistics.problem import NO_LOAD, Load

CANCELLED_REASON = "cancelled before it left the warehouse"


def drop_cancelled(conn: Connection, shipment_ids: Sequence[str], now: datetime) -> None:
    """Shipments the floor cancelled leave the route they were planned on (or their wait for one)."""
    if not shipment_ids:
        return
    waiting = _deliveries(conn, shipment_ids)
    _lock_routes(conn, {rid for rid, _, _ in waiting.values() if rid})
    waiting = _deliveries(conn, shipment_ids)  # as they are now that their routes are ours
    by_warehouse: dict[str, list[str]] = {}
    for sid, (_, state, warehouse_id) in sorted(waiting.items()):
        if state in (Delivery.AWAITING_ROUTE, Delivery.PLANNED):
            by_warehouse.setdefault(warehouse_id, []).append(sid)
    left = sorted({rid for ids in by_warehouse.values() for sid in ids if (rid := waiting[sid][0])})
    for warehouse_id, ids in by_warehouse.items():
        store.set_deliveries(conn, warehouse_id, ids, Delivery.CANCELLED, now, reason=CANCELLED_REASON)
    for route_id in left:
        _restow_and_tell(conn, route_id, now)


def board(conn: Connection, route: sa.RowMapping, at: datetime) -> list[str]:
    """At the van's departure (its route locked): the shipments that go with it, which the floor has
    shipped; the rest leave it (`at_departure`), those not shipped yet carried to the next van.

    A van none of whose shipments has shipped is refused: it would leave empty."""
    rid, warehouse_id = route["route_id"], route["warehouse_id"]
    fate = {sid: at_departure(ShipmentStatus(status)) for sid, status in conn.execute(
        sa.select(deliveries.c.shipment_id, shipments.c.status)
        .join(shipments, shipments.c.shipment_id == deliveries.c.shipment_id)
        .where(deliveries.c.route_id == rid).order_by(deliveries.c.shipment_id))}
    aboard = [sid for sid, f in fate.items() if f is Delivery.ON_ROUTE]
    if not aboard:
        raise OutOfOrder(f"route {rid} has nothing to carry yet: the floor has shipped none of its {len(fate)} "
                         "shipments; load the van when they have shipped (or re-plan)", route_id=rid)
    cancelled = [sid for sid, f in fate.items() if f is Delivery.CANCELLED]
    missed = [sid for sid, f in fate.items() if f is Delivery.AWAITING_ROUTE]
    store.set_deliveries(conn, warehouse_id, cancelled, Delivery.CANCELLED, at, reason=CANCELLED_REASON)
    left_at = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    store.set_deliveries(conn, warehouse_id, missed, Delivery.AWAITING_ROUTE, at,
                         reason=f"not shipped when {route['vehicle_id']} left at {left_at} (route {rid}); "
                                "waits for the next van")
    if missed or cancelled:
        seated = _carry(conn, warehouse_id, rid, missed, at)
        _restow_and_tell(conn, rid, at)
        for route_id in seated:
            _restow_and_tell(conn, route_id, at)
    return aboard


def _carry(conn: Connection, warehouse_id: str, from_route: str, missed: list[str], at: datetime) -> list[str]:
    """Seat what missed the van on the next ones (`carry`); the routes that took some."""
    if not missed:
        return []
    rows = conn.execute(sa.select(routes.c.route_id, routes.c.departs_at, routes.c.capacity_g, routes.c.capacity_ml,
                                  routes.c.load_g, routes.c.load_ml)
                        .where(routes.c.warehouse_id == warehouse_id, routes.c.status == RouteStatus.PLANNED.value,
                               routes.c.route_id != from_route, routes.c.departs_at > at)
                        .order_by(routes.c.departs_at, routes.c.route_id)).all()
    _lock_routes(conn, {r.route_id for r in rows})
    stops: dict[str, dict[str, int]] = {}
    for rid, pp, seq in conn.execute(sa.select(route_stops.c.route_id, route_stops.c.pickup_point_id,
                                               sa.func.min(route_stops.c.seq))
                                     .where(route_stops.c.route_id.in_([r.route_id for r in rows]))
                                     .group_by(route_stops.c.route_id, route_stops.c.pickup_point_id)):
        stops.setdefault(rid, {})[pp] = seq
    vans = [NextVan(r.route_id, r.departs_at, Load(r.capacity_g - r.load_g, r.capacity_ml - r.load_ml),
                    stops.get(r.route_id, {})) for r in rows]
    parcels = store.parcels_of(conn, missed)
    seats = carry([parcels[sid] for sid in missed], vans)
    for sid, seat in sorted(seats.items()):
        store.set_deliveries(conn, warehouse_id, [sid], Delivery.PLANNED, at, route_id=seat.route_id,
                             stop_seq=seat.stop_seq, reason=f"carried from route {from_route}")
    return sorted({s.route_id for s in seats.values()})


def _restow_and_tell(conn: Connection, route_id: str, now: datetime) -> None:
    """Loads and stops of the route from what it carries now, and the floor told; a van that has not
    left and carries nothing any more is withdrawn."""
    route = conn.execute(sa.select(routes.c.warehouse_id, routes.c.status).where(routes.c.route_id == route_id)).one()
    carried = dict(conn.execute(sa.select(deliveries.c.shipment_id, deliveries.c.stop_seq)
                                .where(deliveries.c.route_id == route_id)).all())
    if not carried and route.status == RouteStatus.PLANNED.value:
        route_feed.withdraw(conn, route.warehouse_id, [route_id], now,
                            f"route {route_id} has no shipment left to carry (all cancelled or moved)")
        store.drop_planned_routes(conn, [route_id], now)
        return
    per_stop: dict[int, Load] = {}
    for sid, parcel in store.parcels_of(conn, list(carried)).items():
        per_stop[carried[sid]] = per_stop.get(carried[sid], NO_LOAD) + parcel.load
    store.restow(conn, route_id, per_stop)
    route_feed.send(conn, route_id, now)


def _deliveries(conn: Connection, shipment_ids: Sequence[str]) -> dict[str, tuple[str | None, Delivery, str]]:
    """shipment -> (route, delivery state, warehouse) of those central has planned (or tried to)."""
    return {r.shipment_id: (r.route_id, Delivery(r.state), r.warehouse_id) for r in conn.execute(
        sa.select(deliveries.c.shipment_id, deliveries.c.route_id, deliveries.c.state, deliveries.c.warehouse_id)
        .where(deliveries.c.shipment_id.in_(list(shipment_ids))))}


def _lock_routes(conn: Connection, route_ids: set[str]) -> None:
    """One change of a route at a time, taken in one order (a courier's event locks its route too)."""
    if route_ids:
        conn.execute(sa.select(routes.c.route_id).where(routes.c.route_id.in_(sorted(route_ids)))
                     .order_by(routes.c.route_id).with_for_update())
