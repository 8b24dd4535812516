"""Read models of logistics, as the services return them and the HTTP API serves them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from central.services.views import OrderView, ShipmentView


class VehicleTypeView(BaseModel):
    vehicle_type_id: str
    name: str
    capacity_kg: float
    capacity_l: float
    count: int
    shift_start: str  # HH:MM local time
    shift_end: str
    cost_per_km_minor: int
    cost_per_hour_minor: int


class FleetView(BaseModel):
    warehouse_id: str
    timezone: str
    speed_kmh: float
    detour_factor: float
    vehicle_types: list[VehicleTypeView]


class OpeningHoursView(BaseModel):
    pickup_point_id: str
    hours: dict[str, list[str]]  # weekday -> [opens, closes]; a missing day is closed
    service_minutes: int
    configured: bool  # False: the defaults (open round the clock)


class StopView(BaseModel):
    seq: int
    pickup_point_id: str
    status: str
    planned_arrival: datetime
    window_from: datetime
    window_to: datetime
    eta: datetime
    arrived_at: datetime | None
    finished_at: datetime | None
    reason: str | None
    load_kg: float
    load_l: float
    leg_km: float
    shipments: list[str]


class PositionView(BaseModel):
    lat: float
    lon: float
    at: datetime


class RouteView(BaseModel):
    route_id: str
    warehouse_id: str
    service_date: date
    vehicle_type_id: str
    vehicle_id: str
    status: str
    distance_km: float
    duration_min: float
    load_kg: float
    load_l: float
    load_pct: float
    departs_at: datetime
    returns_at: datetime
    departed_at: datetime | None
    completed_at: datetime | None
    last_position: PositionView | None = None  # the courier's latest reported position
    stops: list[StopView]


class UnroutedView(BaseModel):
    shipment_id: str
    pickup_point_id: str
    reason: str


class SolverView(BaseModel):
    time_budget_s: float
    max_iterations: int
    seed: int
    iterations: int
    runtime_s: float
    stopped_by: str
    feasible: bool


class PlanView(BaseModel):
    warehouse_id: str
    service_date: date
    routes: list[RouteView]
    unrouted: list[UnroutedView]
    kept_routes: int  # routes that had already left and were kept as they are
    total_km: float
    solver: SolverView | None = None


class DeliveryView(BaseModel):
    state: str
    pickup_point_id: str | None
    route_id: str | None
    eta: datetime | None
    reason: str | None


class TrackedShipmentView(ShipmentView):
    delivery: DeliveryView | None = None


class TrackedOrderView(OrderView):
    shipments: list[TrackedShipmentView]  # type: ignore[assignment]


class EventResult(BaseModel):
    event_id: str
    duplicate: bool
    route_id: str | None
    route_status: str | None
    stop_seq: int | None
    stop_status: str | None
    shipments: dict[str, str]  # shipment id -> delivery state after the event
