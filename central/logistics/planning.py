"""Plan a warehouse's (or several warehouses') delivery routes for a day: read, solve (no transaction
open), write.

A plan takes the shipments of paid orders still on the floor as well as shipped ones
(`lifecycle.PLANNABLE`), so each route reaches the floor before its parcels are picked: the
floor waves them by their van and prints route and stop on their labels.

The solver can take seconds, so nothing is locked while it runs. The write checks that what
was planned is still there (each shipment still waiting to be planned, the same routes not yet
departed); if a courier left or a shipment was cancelled meanwhile, the plan is refused with a
409 and the dispatcher plans again. Orders paid during the solve are left for the next plan.
Each route saved also goes into its warehouse's feed (`route_feed`), in the same transaction,
naming the routes it replaces; a warehouse whose routes were thrown away and got no new one is
sent a withdrawal of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.bootstrap import Central
from central.errors import Conflict, InvalidRequest
from central.logistics import route_feed, store
from central.logistics.calendar import PlanDay, plan_day
from central.logistics.fleet import load_fleet, load_hours, minutes, require_warehouse
from central.logistics.plan import PlannedRoute, assemble, total_km
from central.logistics.problem import Load, Outlet, Parcel, Unrouted, VanType, build
from central.logistics.solver import Budget, Solution, solve_problem
from central.logistics.svg import Drawing, DrawnRoute, render
from central.logistics.travel import Estimate, Matrix, Place, estimate, from_csv
from central.logistics.views import FleetView, PlanView, SolverView, UnroutedView


@dataclass(frozen=True)
class PlanRoutes:
    warehouse_id: str
    service_date: date | None = None  # default: the next day whose first shift has not begun
    cutoff: datetime | None = None  # orders placed by then; default now
    budget: Budget = field(default_factory=Budget)
    matrix_csv: str | None = None  # from_id,to_id,distance_m,duration_s; default: great-circle estimate
    # Warehouses planned together with this one (multi-depot, one solve): each ships only its
    # own parcels on its own vans; travel settings and time zone are this warehouse's.
    with_warehouses: tuple[str, ...] = ()

    @property
    def warehouses(self) -> tuple[str, ...]:
        return (self.warehouse_id, *sorted(set(self.with_warehouses) - {self.warehouse_id}))


@dataclass(frozen=True)
class Inputs:
    day: PlanDay
    replanned: tuple[str, ...]
    parcels: tuple[Parcel, ...]
    depots: tuple[Place, ...]
    outlets: tuple[Outlet, ...]
    vans: tuple[VanType, ...]
    busy: dict[tuple[str, str], set[int]]
    fleet: FleetView  # the first warehouse's: its travel settings and time zone serve the plan


def plan_routes(central: Central, cmd: PlanRoutes) -> PlanView:
    now = central.clock()
    with central.db.read() as conn:
        inputs = _read_inputs(conn, cmd, now)
    matrix = _matrix(inputs, cmd.matrix_csv)
    problem, unroutable = build(inputs.parcels, inputs.outlets, inputs.depots, inputs.vans, matrix)
    solution = solve_problem(problem, cmd.budget)
    planned, left_out = assemble(problem, solution, inputs.busy)
    unrouted = [*unroutable, *left_out]
    with central.db.write() as conn:
        _check_unchanged(conn, cmd, inputs, now)
        dropped = {wid: store.planned_route_ids(conn, wid, inputs.day.day) for wid in cmd.warehouses}
        store.drop_planned_routes(conn, inputs.replanned, now)
        for route in planned:
            route_id = central.ids("rt")
            store.save_route(conn, route_id, inputs.day, route, now)
            route_feed.send(conn, route_id, now, dropped[route.warehouse_id])
        _withdraw_unreplaced(conn, dropped, {r.warehouse_id for r in planned}, inputs.day.day, now)
        store.mark_unrouted(conn, {p.shipment_id: p.depot_id for p in inputs.parcels}, unrouted, now)
        routes = store.load_routes(conn, store.routes_of_day(cmd.warehouses, inputs.day.day))
    return _view(cmd, inputs, routes, unrouted, solution, planned)


def _withdraw_unreplaced(conn: Connection, dropped: dict[str, list[str]], replanned_from: set[str], day: date,
                         now: datetime) -> None:
    """The floor of a warehouse that lost its planned routes and got none in their place forgets them."""
    for wid, route_ids in sorted(dropped.items()):
        if route_ids and wid not in replanned_from:
            route_feed.withdraw(conn, wid, route_ids, now, f"re-planned: no van of the {day.isoformat()} plan "
                                                           "leaves from here any more")


def _read_inputs(conn: Connection, cmd: PlanRoutes, now: datetime) -> Inputs:
    fleets = {}
    for wid in cmd.warehouses:
        require_warehouse(conn, wid)
        fleets[wid] = load_fleet(conn, wid)
    first = fleets[cmd.warehouse_id]
    if zones := sorted({f.timezone for f in fleets.values()} - {first.timezone}):
        raise InvalidRequest(f"warehouses planned together must share a time zone: {cmd.warehouse_id} is in "
                             f"{first.timezone}, others in {', '.join(zones)}")
    types = [t for f in fleets.values() for t in f.vehicle_types]
    day = plan_day(cmd.service_date, first.timezone, now, min((minutes(t.shift_start) * 60 for t in types),
                                                               default=0))
    replanned = tuple(r for wid in cmd.warehouses for r in store.planned_route_ids(conn, wid, day.day))
    parcels = tuple(p for wid in cmd.warehouses
                    for p in store.parcels_to_plan(conn, wid, cmd.cutoff or now, replanned))
    busy = {(wid, t): n for wid in cmd.warehouses for t, n in store.busy_vehicles(conn, wid).items()}
    vans = tuple(v for wid, f in fleets.items() for v in _vans(wid, f, busy, max(0, day.seconds(now))))
    depots = tuple(store.place_of_warehouse(conn, wid) for wid in cmd.warehouses)
    return Inputs(day, replanned, parcels, depots, _outlets(conn, parcels, day), vans, busy, first)


def _outlets(conn: Connection, parcels: Sequence[Parcel], day: PlanDay) -> tuple[Outlet, ...]:
    pp_ids = sorted({p.pickup_point_id for p in parcels})
    hours = load_hours(conn, pp_ids)
    outlets = []
    for place in store.places_of_pickup_points(conn, pp_ids):
        h = hours[place.place_id]
        window = h.hours.get(day.weekday)
        outlets.append(Outlet(place, minutes(window[0]) * 60 if window else None,
                              minutes(window[1]) * 60 if window else 0, h.service_minutes * 60))
    return tuple(outlets)


def _vans(warehouse_id: str, fleet: FleetView, busy: dict[tuple[str, str], set[int]],
          earliest_s: int) -> list[VanType]:
    """The warehouse's vans free that day: not out on a route, and with shift time left after now."""
    vans = [VanType(t.vehicle_type_id, warehouse_id, max(0, t.count - len(busy.get((warehouse_id, t.vehicle_type_id),
                                                                                    ()))),
                    Load(round(t.capacity_kg * 1000), round(t.capacity_l * 1000)),
                    max(minutes(t.shift_start) * 60, earliest_s), minutes(t.shift_end) * 60,
                    # never free to drive: with no costs set, the shortest routes still win
                    unit_distance_cost=max(1, t.cost_per_km_minor),
                    unit_duration_cost=round(t.cost_per_hour_minor * 1000 / 3600))
            for t in fleet.vehicle_types]
    return [v for v in vans if v.starts_s < v.ends_s]


def _matrix(inputs: Inputs, csv_text: str | None) -> Matrix:
    places = [*inputs.depots, *(o.place for o in inputs.outlets)]
    if csv_text is not None:
        return from_csv(csv_text, places)
    return estimate(places, Estimate(inputs.fleet.speed_kmh, inputs.fleet.detour_factor))


def _check_unchanged(conn: Connection, cmd: PlanRoutes, inputs: Inputs, now: datetime) -> None:
    if conn.dialect.name == "postgresql":  # one plan write per warehouse at a time (SQLite has one writer)
        for wid in sorted(cmd.warehouses):
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": f"plan:{wid}"})
    replanned = tuple(r for wid in cmd.warehouses for r in store.planned_route_ids(conn, wid, inputs.day.day))
    waiting = {p.shipment_id for wid in cmd.warehouses
               for p in store.parcels_to_plan(conn, wid, cmd.cutoff or now, replanned)}
    if replanned != inputs.replanned or not waiting >= {p.shipment_id for p in inputs.parcels}:
        raise Conflict(f"the deliveries of {', '.join(cmd.warehouses)} changed while the plan was being made "
                       "(a van left, or a shipment was cancelled); plan again", warehouse_id=cmd.warehouse_id)


def _view(cmd: PlanRoutes, inputs: Inputs, routes: list, unrouted: Sequence[Unrouted],  # type: ignore[type-arg]
          solution: Solution, planned: Sequence[PlannedRoute]) -> PlanView:
    kept = [r for r in routes if r.status != "planned"]
    return PlanView(
        warehouse_id=cmd.warehouse_id, service_date=inputs.day.day, routes=routes, kept_routes=len(kept),
        unrouted=[UnroutedView(shipment_id=u.shipment_id, pickup_point_id=u.pickup_point_id, reason=u.reason)
                  for u in sorted(unrouted, key=lambda u: u.shipment_id)],
        total_km=round(total_km(planned), 3),
        solver=SolverView(time_budget_s=cmd.budget.time_s, max_iterations=cmd.budget.iterations,
                          seed=cmd.budget.seed, iterations=solution.iterations,
                          runtime_s=round(solution.runtime_s, 3), stopped_by=solution.stopped_by,
                          feasible=solution.feasible))


def get_plan(central: Central, warehouse_id: str, day: date) -> PlanView:
    with central.db.read() as conn:
        require_warehouse(conn, warehouse_id)
        routes = store.load_routes(conn, store.routes_of_day((warehouse_id,), day))
        unrouted = store.load_unrouted(conn, warehouse_id)
    kept = [r for r in routes if r.status != "planned"]
    return PlanView(warehouse_id=warehouse_id, service_date=day, routes=routes, unrouted=unrouted,
                    kept_routes=len(kept), total_km=round(sum(r.distance_km for r in routes), 3))


def plan_svg(central: Central, warehouse_id: str, day: date) -> str:
    """The day's plan for the warehouse as an SVG picture (see `svg`)."""
    plan = get_plan(central, warehouse_id, day)
    ids = sorted({s.pickup_point_id for r in plan.routes for s in r.stops} | {u.pickup_point_id for u in plan.unrouted})
    with central.db.read() as conn:
        depot = store.place_of_warehouse(conn, warehouse_id)
        points = {p.place_id: p.point for p in store.places_of_pickup_points(conn, ids)}
        name = store.warehouse_name(conn, warehouse_id)
    unrouted: dict[str, int] = {}
    for u in plan.unrouted:
        unrouted[u.pickup_point_id] = unrouted.get(u.pickup_point_id, 0) + 1
    drawn = tuple(DrawnRoute(f"{r.vehicle_id}" + ("" if r.status == "planned" else f" ({r.status})"),
                             tuple(s.pickup_point_id for s in r.stops), r.distance_km, r.load_pct)
                  for r in plan.routes)
    return render(Drawing(f"{name}: delivery plan for {day.isoformat()}", name, depot.point, points, drawn, unrouted))
