"""Delivery planning for head office: fleets, opening hours, tokens, route plans and their picture."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response
from starlette.concurrency import run_in_threadpool

from central.api.auth import AdminDep, CentralDep
from central.api.logistics_schemas import FleetIn, HoursIn, PlanIn
from central.api.schemas import ERROR_RESPONSES, IdPath, WarehouseTokenIn
from central.db.tables import routes
from central.logistics import fleet, planning
from central.logistics.errors import UnknownRoute
from central.logistics.solver import Budget
from central.logistics.store import load_routes
from central.logistics.views import FleetView, OpeningHoursView, PlanView, RouteView, VehicleTypeView

router = APIRouter(prefix="/admin", tags=["logistics"], responses=ERROR_RESPONSES)
DayQuery = Annotated[date, Query(description="the plan day (YYYY-MM-DD)")]


@router.put("/warehouses/{warehouse_id}/fleet", response_model=FleetView)
def put_fleet(warehouse_id: IdPath, body: FleetIn, central: CentralDep, _: AdminDep) -> FleetView:
    """Replace the warehouse's delivery vans (types, counts, capacity, shift, costs) and travel settings."""
    spec = fleet.FleetSpec(body.timezone, body.speed_kmh, body.detour_factor,
                           [VehicleTypeView(**v.model_dump()) for v in body.vehicle_types])
    return fleet.put_fleet(central, warehouse_id, spec)


@router.get("/warehouses/{warehouse_id}/fleet", response_model=FleetView)
def get_fleet(warehouse_id: IdPath, central: CentralDep, _: AdminDep) -> FleetView:
    return fleet.get_fleet(central, warehouse_id)


@router.put("/warehouses/{warehouse_id}/vehicles/{vehicle_id}/token", status_code=204)
def set_vehicle_token(warehouse_id: IdPath, vehicle_id: IdPath, body: WarehouseTokenIn, central: CentralDep,
                      _: AdminDep) -> None:
    """The courier token of one van (`<vehicle_type_id>-<n>`); only its hash is kept."""
    fleet.set_vehicle_token(central, warehouse_id, vehicle_id, body.token)


@router.put("/pickup-points/{pickup_point_id}/hours", response_model=OpeningHoursView)
def put_hours(pickup_point_id: IdPath, body: HoursIn, central: CentralDep, _: AdminDep) -> OpeningHoursView:
    return fleet.put_hours(central, pickup_point_id, body.hours, body.service_minutes)


@router.get("/pickup-points/{pickup_point_id}/hours", response_model=OpeningHoursView)
def get_hours(pickup_point_id: IdPath, central: CentralDep, _: AdminDep) -> OpeningHoursView:
    return fleet.get_hours(central, pickup_point_id)


@router.put("/pickup-points/{pickup_point_id}/token", status_code=204)
def set_pickup_point_token(pickup_point_id: IdPath, body: WarehouseTokenIn, central: CentralDep,
                           _: AdminDep) -> None:
    """The token the pickup point confirms collections with; only its hash is kept."""
    fleet.set_pickup_point_token(central, pickup_point_id, body.token)


@router.post("/warehouses/{warehouse_id}/routes/plan", response_model=PlanView)
async def plan(warehouse_id: IdPath, body: PlanIn, central: CentralDep, _: AdminDep) -> PlanView:
    """Plan the day's routes for the warehouse's shipped shipments; routes that left are kept.

    Shipments no van can take are listed in `unrouted` with the reason, never dropped. With
    `with_warehouses`, those warehouses are planned in the same solve (each ships its own parcels
    on its own vans; they must share this warehouse's time zone).
    """
    cmd = planning.PlanRoutes(warehouse_id, body.service_date, body.cutoff,
                              Budget(body.time_budget_s, body.max_iterations, body.seed), body.matrix_csv,
                              tuple(body.with_warehouses))
    return await run_in_threadpool(planning.plan_routes, central, cmd)


@router.get("/warehouses/{warehouse_id}/routes", response_model=PlanView)
def day_routes(warehouse_id: IdPath, central: CentralDep, _: AdminDep, date: DayQuery) -> PlanView:
    """The day's routes with stops, loads and ETAs, and the shipments still waiting for a route."""
    return planning.get_plan(central, warehouse_id, date)


@router.get("/warehouses/{warehouse_id}/routes/plan.svg", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}}}})
def day_picture(warehouse_id: IdPath, central: CentralDep, _: AdminDep, date: DayQuery) -> Response:
    """The day's plan as a picture: the warehouse, the stops and each route in its own colour."""
    return Response(planning.plan_svg(central, warehouse_id, date), media_type="image/svg+xml")


@router.get("/routes/{route_id}", response_model=RouteView)
def one_route(route_id: IdPath, central: CentralDep, _: AdminDep) -> RouteView:
    with central.db.read() as conn:
        found = load_routes(conn, routes.c.route_id == route_id)
    if not found:
        raise UnknownRoute(f"route {route_id} not found", route_id=route_id)
    return found[0]
