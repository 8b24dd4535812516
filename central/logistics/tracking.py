"""Courier events: departures, arrivals, handovers at pickup points, failed stops, positions.

A van leaves with what the floor has shipped; the rest of what was planned on it stays behind
(`aboard.board`).

Each event is applied in one transaction with its record in the event log (`event_log`), under
a lock on its route: the same event again gets the first answer (duplicate=true) and changes
nothing; the same id with another body is refused. Every state change goes through the
transition tables in `lifecycle`; an event they do not allow is refused naming what is wrong,
and nothing is changed. ETAs of the stops still ahead are recomputed from where the van is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.bootstrap import Central
from central.db.tables import deliveries, route_stops, routes, shipments, vehicle_positions
from central.errors import InvalidRequest
from central.logistics import aboard, eta, event_log
from central.logistics.errors import NotOnRoute, NotYourRoute, OutOfOrder, UnknownRoute, UnknownShipment
from central.logistics.lifecycle import (
    FINISHED_STOPS,
    Delivery,
    RouteStatus,
    StopStatus,
    check_delivery,
    check_route,
    check_stop,
)
from central.logistics.views import EventResult


@dataclass(frozen=True)
class CourierEvent:
    event_id: str
    kind: str  # departed | arrived | handed_over | stop_failed | position
    at: datetime | None = None
    stop: int | None = None
    shipment_ids: tuple[str, ...] = ()
    reason: str | None = None
    lat: float | None = None
    lon: float | None = None


@dataclass(frozen=True)
class Vehicle:
    warehouse_id: str
    vehicle_id: str


def courier_event(central: Central, vehicle: Vehicle, route_id: str, ev: CourierEvent) -> EventResult:
    actor = f"vehicle:{vehicle.warehouse_id}/{vehicle.vehicle_id}"
    body_hash = event_log.digest(route_id, ev)
    with central.db.write() as conn:
        route = _route_for(conn, route_id, vehicle)  # locked: one event of a route at a time
        if (seen := event_log.replayed(conn, ev.event_id, actor, body_hash)) is not None:
            return seen
        at = ev.at or central.clock()
        result = _APPLY[ev.kind](conn, route, ev, at)
        event_log.remember(conn, ev.event_id, actor, ev.kind, body_hash, result, central.clock())
        return result


def _route_for(conn: Connection, route_id: str, vehicle: Vehicle) -> sa.RowMapping:
    route = conn.execute(sa.select(routes).where(routes.c.route_id == route_id).with_for_update()
                         ).mappings().first()
    if route is None:
        raise UnknownRoute(f"route {route_id} not found", route_id=route_id)
    if (route["warehouse_id"], route["vehicle_id"]) != (vehicle.warehouse_id, vehicle.vehicle_id):
        raise NotYourRoute(f"route {route_id} is driven by {route['vehicle_id']} of {route['warehouse_id']}, "
                           f"not by {vehicle.vehicle_id} of {vehicle.warehouse_id}", route_id=route_id)
    return route


def _departed(conn: Connection, route: sa.RowMapping, ev: CourierEvent, at: datetime) -> EventResult:
    rid = route["route_id"]
    check_route(rid, RouteStatus(route["status"]), RouteStatus.DEPARTED)
    carried = aboard.board(conn, route, at)
    conn.execute(routes.update().where(routes.c.route_id == rid).values(status=RouteStatus.DEPARTED.value,
                                                                         departed_at=at))
    moved = advance(conn, carried, Delivery.ON_ROUTE, at)
    _reschedule(conn, rid, after_seq=0, free_at=at)
    return event_log.outcome(ev.event_id, rid, RouteStatus.DEPARTED, None, None, moved)


def _arrived(conn: Connection, route: sa.RowMapping, ev: CourierEvent, at: datetime) -> EventResult:
    rid = route["route_id"]
    stop = _stop_on(conn, route, ev.stop)
    check_stop(rid, stop["seq"], StopStatus(stop["status"]), StopStatus.ARRIVED)
    _set_stop(conn, rid, stop["seq"], StopStatus.ARRIVED, arrived_at=at, eta=at)
    _reschedule(conn, rid, after_seq=stop["seq"],
                free_at=eta.free_after_arrival(at, stop["opens_at"], stop["service_s"]))
    return event_log.outcome(ev.event_id, rid, RouteStatus.DEPARTED, stop["seq"], StopStatus.ARRIVED, {})


def _handed_over(conn: Connection, route: sa.RowMapping, ev: CourierEvent, at: datetime) -> EventResult:
    rid = route["route_id"]
    stop = _stop_on(conn, route, ev.stop)
    if StopStatus(stop["status"]) is not StopStatus.ARRIVED:
        raise OutOfOrder(f"stop {stop['seq']} of route {rid} is {stop['status']}: report arrival there before "
                         "handing shipments over", route_id=rid, stop=stop["seq"])
    if not ev.shipment_ids:
        raise InvalidRequest("a handover names the scanned shipment ids (shipment_ids)")
    _check_on_stop(conn, rid, stop["seq"], ev.shipment_ids)
    moved = advance(conn, list(ev.shipment_ids), Delivery.AT_PICKUP_POINT, at)
    status = StopStatus.ARRIVED
    if not _still(conn, rid, stop["seq"], Delivery.ON_ROUTE):
        status = _finish_stop(conn, route, stop, StopStatus.DONE, at, None)
    return event_log.outcome(ev.event_id, rid, _route_status(conn, rid), stop["seq"], status, moved)


def _stop_failed(conn: Connection, route: sa.RowMapping, ev: CourierEvent, at: datetime) -> EventResult:
    rid = route["route_id"]
    stop = _stop_on(conn, route, ev.stop)
    if not ev.reason:
        raise InvalidRequest("a failed stop needs a reason (e.g. 'pickup point closed')")
    check_stop(rid, stop["seq"], StopStatus(stop["status"]), StopStatus.FAILED)
    left = _still(conn, rid, stop["seq"], Delivery.ON_ROUTE)
    moved = advance(conn, left, Delivery.RETURNING, at, reason=ev.reason)
    _finish_stop(conn, route, stop, StopStatus.FAILED, at, ev.reason)
    return event_log.outcome(ev.event_id, rid, _route_status(conn, rid), stop["seq"], StopStatus.FAILED, moved)


def _position(conn: Connection, route: sa.RowMapping, ev: CourierEvent, at: datetime) -> EventResult:
    rid = route["route_id"]
    if RouteStatus(route["status"]) is not RouteStatus.DEPARTED:
        raise OutOfOrder(f"route {rid} is {route['status']}: positions are taken while it is under way",
                         route_id=rid)
    if ev.lat is None or ev.lon is None:
        raise InvalidRequest("a position needs lat and lon")
    conn.execute(vehicle_positions.insert().values(route_id=rid, at=at, lat=ev.lat, lon=ev.lon))
    return event_log.outcome(ev.event_id, rid, RouteStatus.DEPARTED, None, None, {})


_APPLY = {"departed": _departed, "arrived": _arrived, "handed_over": _handed_over, "stop_failed": _stop_failed,
          "position": _position}


def _stop_on(conn: Connection, route: sa.RowMapping, seq: int | None) -> sa.RowMapping:
    rid = route["route_id"]
    if RouteStatus(route["status"]) is not RouteStatus.DEPARTED:
        raise OutOfOrder(f"route {rid} is {route['status']}: report 'departed' before its stops"
                         if route["status"] == RouteStatus.PLANNED.value else f"route {rid} is already completed",
                         route_id=rid, status=route["status"])
    stop = None if seq is None else conn.execute(sa.select(route_stops).where(
        route_stops.c.route_id == rid, route_stops.c.seq == seq)).mappings().first()
    if stop is None:
        raise NotOnRoute(f"route {rid} has no stop {seq}", route_id=rid, stop=seq)
    return stop


def _check_on_stop(conn: Connection, rid: str, seq: int, shipment_ids: Sequence[str]) -> None:
    known = set(conn.execute(sa.select(shipments.c.shipment_id)
                             .where(shipments.c.shipment_id.in_(list(shipment_ids)))).scalars())
    for sid in shipment_ids:
        if sid not in known:
            raise UnknownShipment(f"shipment {sid} is unknown: check the scanned label", shipment_id=sid)
    placed = dict((r.shipment_id, (r.route_id, r.stop_seq)) for r in conn.execute(
        sa.select(deliveries.c.shipment_id, deliveries.c.route_id, deliveries.c.stop_seq)
        .where(deliveries.c.shipment_id.in_(list(shipment_ids)))))
    for sid in shipment_ids:
        if placed.get(sid) != (rid, seq):
            raise NotOnRoute(f"shipment {sid} is not for stop {seq} of route {rid}; keep it in the van",
                             shipment_id=sid, route_id=rid, stop=seq)


def _still(conn: Connection, rid: str, seq: int, state: Delivery) -> list[str]:
    return list(conn.execute(sa.select(deliveries.c.shipment_id).where(
        deliveries.c.route_id == rid, deliveries.c.stop_seq == seq, deliveries.c.state == state.value)
        .order_by(deliveries.c.shipment_id)).scalars())


def advance(conn: Connection, shipment_ids: Sequence[str], target: Delivery, at: datetime,
            reason: str | None = None) -> dict[str, str]:
    """Move shipments on to `target` through the delivery table; their route and stop stay."""
    current = dict(conn.execute(sa.select(deliveries.c.shipment_id, deliveries.c.state)
                                .where(deliveries.c.shipment_id.in_(list(shipment_ids)))).all())
    for sid in shipment_ids:
        check_delivery(sid, Delivery(current[sid]), target)
    if shipment_ids:
        conn.execute(deliveries.update().where(deliveries.c.shipment_id.in_(list(shipment_ids)))
                     .values(state=target.value, reason=reason, updated_at=at))
    return {sid: target.value for sid in shipment_ids}


def _finish_stop(conn: Connection, route: sa.RowMapping, stop: sa.RowMapping, status: StopStatus,
                 at: datetime, reason: str | None) -> StopStatus:
    rid = route["route_id"]
    _set_stop(conn, rid, stop["seq"], status, finished_at=at, reason=reason)
    _reschedule(conn, rid, after_seq=stop["seq"], free_at=at)
    open_ = conn.execute(sa.select(sa.func.count()).select_from(route_stops).where(
        route_stops.c.route_id == rid, route_stops.c.status.not_in([s.value for s in FINISHED_STOPS]))).scalar()
    if open_ == 0:
        check_route(rid, RouteStatus.DEPARTED, RouteStatus.COMPLETED)
        conn.execute(routes.update().where(routes.c.route_id == rid)
                     .values(status=RouteStatus.COMPLETED.value, completed_at=at))
    return status


def _set_stop(conn: Connection, rid: str, seq: int, status: StopStatus, **values: object) -> None:
    conn.execute(route_stops.update().where(route_stops.c.route_id == rid, route_stops.c.seq == seq)
                 .values(status=status.value, **values))


def _reschedule(conn: Connection, rid: str, after_seq: int, free_at: datetime) -> None:
    """ETAs of the pending stops after `after_seq`, from a van free again at `free_at`."""
    ahead = conn.execute(sa.select(route_stops.c.seq, route_stops.c.leg_s, route_stops.c.opens_at,
                                   route_stops.c.service_s)
                         .where(route_stops.c.route_id == rid, route_stops.c.seq > after_seq,
                                route_stops.c.status == StopStatus.PENDING.value)
                         .order_by(route_stops.c.seq)).all()
    times = eta.etas(free_at, [eta.Ahead(r.leg_s, r.opens_at, r.service_s) for r in ahead])
    for row, when in zip(ahead, times, strict=True):
        conn.execute(route_stops.update().where(route_stops.c.route_id == rid, route_stops.c.seq == row.seq)
                     .values(eta=when))


def _route_status(conn: Connection, rid: str) -> RouteStatus:
    return RouteStatus(conn.execute(sa.select(routes.c.status).where(routes.c.route_id == rid)).scalar_one())
