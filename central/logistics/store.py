"""Logistics tables: what planning reads and writes, and the route read models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.tables import (
    deliveries,
    orders,
    pickup_points,
    route_stops,
    routes,
    shipment_lines,
    shipments,
    skus,
    vehicle_positions,
    warehouses,
)
from central.domain.routing import Point
from central.logistics.calendar import PlanDay
from central.logistics.lifecycle import PLANNABLE, Delivery, RouteStatus, StopStatus, check_delivery
from central.logistics.plan import PlannedRoute, load_pct
from central.logistics.problem import NO_LOAD, Load, Parcel, Unrouted
from central.logistics.travel import Place
from central.logistics.views import PositionView, RouteView, StopView, UnroutedView


def place_of_warehouse(conn: Connection, warehouse_id: str) -> Place:
    row = conn.execute(sa.select(warehouses.c.lat, warehouses.c.lon)
                       .where(warehouses.c.warehouse_id == warehouse_id)).one()
    return Place(warehouse_id, Point(row.lat, row.lon))


def warehouse_name(conn: Connection, warehouse_id: str) -> str:
    return conn.execute(sa.select(warehouses.c.name).where(warehouses.c.warehouse_id == warehouse_id)).scalar_one()


def places_of_pickup_points(conn: Connection, ids: Sequence[str]) -> list[Place]:
    rows = conn.execute(sa.select(pickup_points.c.pickup_point_id, pickup_points.c.lat, pickup_points.c.lon)
                        .where(pickup_points.c.pickup_point_id.in_(list(ids)))
                        .order_by(pickup_points.c.pickup_point_id)).all()
    return [Place(r.pickup_point_id, Point(r.lat, r.lon)) for r in rows]


def planned_route_ids(conn: Connection, warehouse_id: str, day: date) -> list[str]:
    return list(conn.execute(sa.select(routes.c.route_id).where(
        routes.c.warehouse_id == warehouse_id, routes.c.service_date == day,
        routes.c.status == RouteStatus.PLANNED.value).order_by(routes.c.route_id)).scalars())


def busy_vehicles(conn: Connection, warehouse_id: str) -> dict[str, set[int]]:
    """Vans out on a departed route (any day): not free for a new one."""
    rows = conn.execute(sa.select(routes.c.vehicle_type_id, routes.c.vehicle_id).where(
        routes.c.warehouse_id == warehouse_id, routes.c.status == RouteStatus.DEPARTED.value)).all()
    busy: dict[str, set[int]] = {}
    for type_id, vehicle_id in rows:
        busy.setdefault(type_id, set()).add(int(vehicle_id.rsplit("-", 1)[1]))
    return busy


def parcels_to_plan(conn: Connection, warehouse_id: str, cutoff: datetime, replanned: Sequence[str]) -> list[Parcel]:
    """The warehouse's shipments a plan takes (`PLANNABLE`: shipped, or paid and still on the floor)
    of orders placed by the cut-off, on no route, or on a route being re-planned."""
    free = sa.or_(deliveries.c.shipment_id.is_(None), deliveries.c.state == Delivery.AWAITING_ROUTE.value,
                  deliveries.c.route_id.in_(list(replanned)))
    rows = conn.execute(
        _parcels().join(orders, orders.c.order_id == shipments.c.order_id)
        .outerjoin(deliveries, deliveries.c.shipment_id == shipments.c.shipment_id)
        .where(shipments.c.warehouse_id == warehouse_id, shipments.c.status.in_([s.value for s in PLANNABLE]),
               orders.c.created_at <= cutoff, free)).all()
    return [Parcel(r.shipment_id, warehouse_id, r.pickup_point_id, _load(r)) for r in rows]


def parcels_of(conn: Connection, shipment_ids: Sequence[str]) -> dict[str, Parcel]:
    """These shipments as parcels: their warehouse, pickup point and load."""
    rows = conn.execute(_parcels().join(orders, orders.c.order_id == shipments.c.order_id)
                        .where(shipments.c.shipment_id.in_(list(shipment_ids)))).all()
    return {r.shipment_id: Parcel(r.shipment_id, r.warehouse_id, r.pickup_point_id, _load(r)) for r in rows}


def _parcels() -> sa.Select:  # type: ignore[type-arg]
    """Shipments with their pickup point and load from the catalog: unit weight and length x width x
    height per unit (join `orders` and filter)."""
    qty = sa.cast(shipment_lines.c.qty, sa.BigInteger)  # products of 32-bit columns overflow on PostgreSQL
    weight = sa.func.sum(qty * skus.c.unit_weight_g)
    volume = sa.func.sum(qty * skus.c.length_mm * skus.c.width_mm * skus.c.height_mm)
    return (sa.select(shipments.c.shipment_id, shipments.c.warehouse_id, orders.c.pickup_point_id,
                      weight.label("g"), volume.label("mm3"))
            .select_from(shipments)
            .join(shipment_lines, shipment_lines.c.shipment_id == shipments.c.shipment_id)
            .join(skus, skus.c.sku == shipment_lines.c.sku)
            .group_by(shipments.c.shipment_id, shipments.c.warehouse_id, orders.c.pickup_point_id)
            .order_by(shipments.c.shipment_id))


def _load(row: sa.Row) -> Load:  # type: ignore[type-arg]
    return Load(int(row.g), -(-int(row.mm3) // 1000))


def drop_planned_routes(conn: Connection, route_ids: Sequence[str], now: datetime) -> None:
    """Throw away routes that have not left; their shipments wait for a route again."""
    if not route_ids:
        return
    for sid, state in conn.execute(sa.select(deliveries.c.shipment_id, deliveries.c.state)
                                   .where(deliveries.c.route_id.in_(list(route_ids)))):
        check_delivery(sid, Delivery(state), Delivery.AWAITING_ROUTE)
    conn.execute(deliveries.update().where(deliveries.c.route_id.in_(list(route_ids)))
                 .values(state=Delivery.AWAITING_ROUTE.value, route_id=None, stop_seq=None, updated_at=now))
    conn.execute(route_stops.delete().where(route_stops.c.route_id.in_(list(route_ids))))
    conn.execute(routes.delete().where(routes.c.route_id.in_(list(route_ids))))


def restow(conn: Connection, route_id: str, per_stop: dict[int, Load]) -> None:
    """Set what a van that has not left carries: each stop's load, and the van's; a stop left with
    nothing to hand over is dropped (the van's path and times stay as planned until a re-plan)."""
    conn.execute(route_stops.delete().where(route_stops.c.route_id == route_id,
                                            route_stops.c.seq.not_in(list(per_stop))))
    for seq, load in per_stop.items():
        conn.execute(route_stops.update().where(route_stops.c.route_id == route_id, route_stops.c.seq == seq)
                     .values(load_g=load.weight_g, load_ml=load.volume_ml))
    total = sum(per_stop.values(), NO_LOAD)
    conn.execute(routes.update().where(routes.c.route_id == route_id)
                 .values(load_g=total.weight_g, load_ml=total.volume_ml))


def save_route(conn: Connection, route_id: str, day: PlanDay, route: PlannedRoute, now: datetime) -> None:
    warehouse_id = route.warehouse_id
    conn.execute(routes.insert().values(
        route_id=route_id, warehouse_id=warehouse_id, service_date=day.day, vehicle_type_id=route.vehicle_type_id,
        vehicle_id=route.vehicle_id, status=RouteStatus.PLANNED.value, distance_m=route.distance_m,
        duration_s=route.duration_s, load_g=route.load.weight_g, load_ml=route.load.volume_ml,
        capacity_g=route.capacity.weight_g, capacity_ml=route.capacity.volume_ml, departs_at=day.at(route.depart_s),
        returns_at=day.at(route.return_s), planned_at=now))
    conn.execute(route_stops.insert(), [
        {"route_id": route_id, "seq": s.seq, "pickup_point_id": s.pickup_point_id,
         "status": StopStatus.PENDING.value, "planned_arrival": day.at(s.arrival_s),
         "window_from": day.at(s.window_from_s), "window_to": day.at(s.window_to_s), "eta": day.at(s.arrival_s),
         "opens_at": day.at(s.opens_s), "service_s": s.service_s, "leg_s": s.leg_s, "leg_m": s.leg_m,
         "load_g": s.load.weight_g, "load_ml": s.load.volume_ml} for s in route.stops])
    for stop in route.stops:
        set_deliveries(conn, warehouse_id, stop.parcels, Delivery.PLANNED, now, route_id=route_id,
                       stop_seq=stop.seq)


def set_deliveries(conn: Connection, warehouse_id: str, shipment_ids: Sequence[str], state: Delivery,
                   now: datetime, route_id: str | None = None, stop_seq: int | None = None,
                   reason: str | None = None) -> None:
    """Move shipments' delivery state, each through the transition table (a new row starts AWAITING_ROUTE)."""
    if not shipment_ids:
        return
    current = dict(conn.execute(sa.select(deliveries.c.shipment_id, deliveries.c.state)
                                .where(deliveries.c.shipment_id.in_(list(shipment_ids)))).all())
    values = {"state": state.value, "route_id": route_id, "stop_seq": stop_seq, "reason": reason, "updated_at": now}
    for sid in shipment_ids:
        was = Delivery(current.get(sid, Delivery.AWAITING_ROUTE.value))
        if not (was is state is Delivery.AWAITING_ROUTE):  # a new reason for waiting is no transition
            check_delivery(sid, was, state)
    new = [sid for sid in shipment_ids if sid not in current]
    if new:
        conn.execute(deliveries.insert(), [{"shipment_id": sid, "warehouse_id": warehouse_id} | values
                                           for sid in new])
    old = [sid for sid in shipment_ids if sid in current]
    if old:
        conn.execute(deliveries.update().where(deliveries.c.shipment_id.in_(old)).values(**values))


def mark_unrouted(conn: Connection, warehouse_of: dict[str, str], unrouted: Sequence[Unrouted],
                  now: datetime) -> None:
    """Record why each shipment is still waiting (`warehouse_of`: shipment id -> its warehouse)."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for u in unrouted:
        grouped.setdefault((warehouse_of[u.shipment_id], u.reason), []).append(u.shipment_id)
    for (warehouse_id, reason), ids in sorted(grouped.items()):
        set_deliveries(conn, warehouse_id, ids, Delivery.AWAITING_ROUTE, now, reason=reason[:500])


def load_unrouted(conn: Connection, warehouse_id: str) -> list[UnroutedView]:
    rows = conn.execute(sa.select(deliveries.c.shipment_id, orders.c.pickup_point_id, deliveries.c.reason)
                        .join(shipments, shipments.c.shipment_id == deliveries.c.shipment_id)
                        .join(orders, orders.c.order_id == shipments.c.order_id)
                        .where(deliveries.c.warehouse_id == warehouse_id,
                               deliveries.c.state == Delivery.AWAITING_ROUTE.value, deliveries.c.reason.is_not(None))
                        .order_by(deliveries.c.shipment_id)).all()
    return [UnroutedView(shipment_id=r.shipment_id, pickup_point_id=r.pickup_point_id, reason=r.reason) for r in rows]


def load_routes(conn: Connection, route_filter: sa.ColumnElement[bool]) -> list[RouteView]:
    rows = conn.execute(sa.select(routes).where(route_filter).order_by(routes.c.vehicle_id, routes.c.departs_at,
                                                                        routes.c.route_id)).mappings().all()
    ids = [r["route_id"] for r in rows]
    stops = conn.execute(sa.select(route_stops).where(route_stops.c.route_id.in_(ids))
                         .order_by(route_stops.c.route_id, route_stops.c.seq)).mappings().all()
    carried = conn.execute(sa.select(deliveries.c.route_id, deliveries.c.stop_seq, deliveries.c.shipment_id)
                           .where(deliveries.c.route_id.in_(ids)).order_by(deliveries.c.shipment_id)).all()
    parcels: dict[tuple[str, int], list[str]] = {}
    for rid, seq, sid in carried:
        parcels.setdefault((rid, seq), []).append(sid)
    last = _last_positions(conn, ids)
    by_route: dict[str, list[StopView]] = {}
    for s in stops:
        by_route.setdefault(s["route_id"], []).append(StopView(
            seq=s["seq"], pickup_point_id=s["pickup_point_id"], status=s["status"],
            planned_arrival=s["planned_arrival"], window_from=s["window_from"], window_to=s["window_to"],
            eta=s["eta"], arrived_at=s["arrived_at"], finished_at=s["finished_at"], reason=s["reason"],
            load_kg=s["load_g"] / 1000, load_l=s["load_ml"] / 1000, leg_km=s["leg_m"] / 1000,
            shipments=parcels.get((s["route_id"], s["seq"]), [])))
    return [_route_view(r, by_route.get(r["route_id"], []), last.get(r["route_id"])) for r in rows]


def _last_positions(conn: Connection, route_ids: Sequence[str]) -> dict[str, PositionView]:
    latest = (sa.select(vehicle_positions.c.route_id, sa.func.max(vehicle_positions.c.position_id).label("pid"))
              .where(vehicle_positions.c.route_id.in_(list(route_ids))).group_by(vehicle_positions.c.route_id)
              .subquery())
    rows = conn.execute(sa.select(vehicle_positions).join(latest, latest.c.pid == vehicle_positions.c.position_id)
                        ).mappings()
    return {r["route_id"]: PositionView(lat=r["lat"], lon=r["lon"], at=r["at"]) for r in rows}


def _route_view(r: sa.RowMapping, stops: list[StopView], position: PositionView | None) -> RouteView:
    return RouteView(
        route_id=r["route_id"], warehouse_id=r["warehouse_id"], service_date=r["service_date"],
        vehicle_type_id=r["vehicle_type_id"], vehicle_id=r["vehicle_id"], status=r["status"],
        distance_km=r["distance_m"] / 1000, duration_min=r["duration_s"] / 60, load_kg=r["load_g"] / 1000,
        load_l=r["load_ml"] / 1000,
        load_pct=round(load_pct(Load(r["load_g"], r["load_ml"]), Load(r["capacity_g"], r["capacity_ml"])), 1),
        departs_at=r["departs_at"], returns_at=r["returns_at"], departed_at=r["departed_at"],
        completed_at=r["completed_at"], last_position=position, stops=stops)


def routes_of_day(warehouse_ids: Sequence[str], day: date) -> sa.ColumnElement[bool]:
    return sa.and_(routes.c.warehouse_id.in_(list(warehouse_ids)), routes.c.service_date == day)
