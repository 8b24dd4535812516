"""Fleet and pickup-point settings for delivery: vans per warehouse, opening hours, tokens."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.bootstrap import Central
from central.db.tables import (
    delivery_settings,
    pickup_point_hours,
    pickup_points,
    vehicle_tokens,
    vehicle_types,
    warehouses,
)
from central.db.tables import pickup_point_tokens as pp_tokens
from central.db.upsert import upsert
from central.errors import Conflict, NotFound
from central.logistics.calendar import WEEKDAYS
from central.logistics.errors import UnknownVehicle
from central.logistics.views import FleetView, OpeningHoursView, VehicleTypeView
from central.tokens import hash_token

DEFAULT_TIMEZONE = "Europe/Moscow"
DEFAULT_SPEED_KMH = 30.0
DEFAULT_DETOUR = 1.3
DEFAULT_SERVICE_MINUTES = 5
ROUND_THE_CLOCK = {day: ["00:00", "24:00"] for day in WEEKDAYS}


@dataclass(frozen=True)
class FleetSpec:
    timezone: str
    speed_kmh: float
    detour_factor: float
    vehicle_types: Sequence[VehicleTypeView]


def minutes(hhmm: str) -> int:
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def hhmm(total_minutes: int) -> str:
    return f"{total_minutes // 60:02d}:{total_minutes % 60:02d}"


def put_fleet(central: Central, warehouse_id: str, spec: FleetSpec) -> FleetView:
    """Replace the warehouse's delivery settings and vehicle types (routes already planned keep theirs)."""
    now = central.clock()
    with central.db.write() as conn:
        require_warehouse(conn, warehouse_id)
        upsert(conn, delivery_settings, [{"warehouse_id": warehouse_id, "timezone": spec.timezone,
                                          "speed_kmh": spec.speed_kmh, "detour_factor": spec.detour_factor,
                                          "updated_at": now}], ["warehouse_id"])
        conn.execute(vehicle_types.delete().where(vehicle_types.c.warehouse_id == warehouse_id))
        if spec.vehicle_types:
            conn.execute(vehicle_types.insert(), [_type_row(warehouse_id, v, now) for v in spec.vehicle_types])
        return load_fleet(conn, warehouse_id)


def get_fleet(central: Central, warehouse_id: str) -> FleetView:
    with central.db.read() as conn:
        require_warehouse(conn, warehouse_id)
        return load_fleet(conn, warehouse_id)


def load_fleet(conn: Connection, warehouse_id: str) -> FleetView:
    settings = conn.execute(sa.select(delivery_settings).where(
        delivery_settings.c.warehouse_id == warehouse_id)).mappings().first()
    rows = conn.execute(sa.select(vehicle_types).where(vehicle_types.c.warehouse_id == warehouse_id)
                        .order_by(vehicle_types.c.vehicle_type_id)).mappings().all()
    types = [VehicleTypeView(vehicle_type_id=r["vehicle_type_id"], name=r["name"], capacity_kg=r["capacity_kg"],
                             capacity_l=r["capacity_l"], count=r["count"], shift_start=hhmm(r["shift_start_min"]),
                             shift_end=hhmm(r["shift_end_min"]), cost_per_km_minor=r["cost_per_km_minor"],
                             cost_per_hour_minor=r["cost_per_hour_minor"]) for r in rows]
    return FleetView(warehouse_id=warehouse_id,
                     timezone=settings["timezone"] if settings else DEFAULT_TIMEZONE,
                     speed_kmh=settings["speed_kmh"] if settings else DEFAULT_SPEED_KMH,
                     detour_factor=settings["detour_factor"] if settings else DEFAULT_DETOUR,
                     vehicle_types=types)


def _type_row(warehouse_id: str, v: VehicleTypeView, now: object) -> dict[str, object]:
    return {"warehouse_id": warehouse_id, "vehicle_type_id": v.vehicle_type_id, "name": v.name,
            "capacity_kg": v.capacity_kg, "capacity_l": v.capacity_l, "count": v.count,
            "shift_start_min": minutes(v.shift_start), "shift_end_min": minutes(v.shift_end),
            "cost_per_km_minor": v.cost_per_km_minor, "cost_per_hour_minor": v.cost_per_hour_minor,
            "updated_at": now}


def put_hours(central: Central, pickup_point_id: str, hours: Mapping[str, Sequence[str]],
              service_minutes: int) -> OpeningHoursView:
    with central.db.write() as conn:
        _require_pickup_point(conn, pickup_point_id)
        upsert(conn, pickup_point_hours, [{"pickup_point_id": pickup_point_id,
                                           "hours": {d: list(hours[d]) for d in WEEKDAYS if d in hours},
                                           "service_minutes": service_minutes, "updated_at": central.clock()}],
               ["pickup_point_id"])
        return load_hours(conn, [pickup_point_id])[pickup_point_id]


def get_hours(central: Central, pickup_point_id: str) -> OpeningHoursView:
    with central.db.read() as conn:
        _require_pickup_point(conn, pickup_point_id)
        return load_hours(conn, [pickup_point_id])[pickup_point_id]


def load_hours(conn: Connection, ids: Sequence[str]) -> dict[str, OpeningHoursView]:
    found = {r["pickup_point_id"]: r for r in conn.execute(
        sa.select(pickup_point_hours).where(pickup_point_hours.c.pickup_point_id.in_(list(ids)))).mappings()}
    return {pid: OpeningHoursView(pickup_point_id=pid, hours=found[pid]["hours"],
                                  service_minutes=found[pid]["service_minutes"], configured=True)
            if pid in found else
            OpeningHoursView(pickup_point_id=pid, hours=ROUND_THE_CLOCK, service_minutes=DEFAULT_SERVICE_MINUTES,
                             configured=False)
            for pid in ids}


def set_vehicle_token(central: Central, warehouse_id: str, vehicle_id: str, token: str) -> None:
    """The courier driving this van shows this token; only its hash is kept."""
    with central.db.write() as conn:
        require_warehouse(conn, warehouse_id)
        fleet = load_fleet(conn, warehouse_id)
        known = {f"{t.vehicle_type_id}-{n}" for t in fleet.vehicle_types for n in range(1, t.count + 1)}
        if vehicle_id not in known:
            raise UnknownVehicle(f"warehouse {warehouse_id} has no vehicle {vehicle_id}; vehicles are named "
                                 "<vehicle_type_id>-<n> for n up to the type's count", vehicle_id=vehicle_id)
        _token_unused(conn, vehicle_tokens, token, (vehicle_tokens.c.warehouse_id != warehouse_id)
                      | (vehicle_tokens.c.vehicle_id != vehicle_id))
        upsert(conn, vehicle_tokens, [{"warehouse_id": warehouse_id, "vehicle_id": vehicle_id,
                                       "token_hash": hash_token(token), "updated_at": central.clock()}],
               ["warehouse_id", "vehicle_id"])


def set_pickup_point_token(central: Central, pickup_point_id: str, token: str) -> None:
    with central.db.write() as conn:
        _require_pickup_point(conn, pickup_point_id)
        _token_unused(conn, pp_tokens, token, pp_tokens.c.pickup_point_id != pickup_point_id)
        upsert(conn, pp_tokens, [{"pickup_point_id": pickup_point_id, "token_hash": hash_token(token),
                                  "updated_at": central.clock()}], ["pickup_point_id"])


def _token_unused(conn: Connection, table: sa.Table, token: str, others: sa.ColumnElement[bool]) -> None:
    if conn.execute(sa.select(table.c.token_hash).where(table.c.token_hash == hash_token(token), others)).first():
        raise Conflict("this token is already another holder's; give every van and pickup point its own")


def require_warehouse(conn: Connection, warehouse_id: str) -> None:
    if conn.execute(sa.select(warehouses.c.warehouse_id).where(warehouses.c.warehouse_id == warehouse_id)
                    ).first() is None:
        raise NotFound(f"warehouse {warehouse_id} not found", warehouse_id=warehouse_id)


def _require_pickup_point(conn: Connection, pickup_point_id: str) -> None:
    if conn.execute(sa.select(pickup_points.c.pickup_point_id)
                    .where(pickup_points.c.pickup_point_id == pickup_point_id)).first() is None:
        raise NotFound(f"pickup point {pickup_point_id} not found", pickup_point_id=pickup_point_id)
