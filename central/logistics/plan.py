"""A solved problem turned into the dispatcher's plan: vans, their stops in order, loads and times.

Visits of one van to the same pickup point in a row (a big drop split into parts) become one
stop. Vans are numbered per warehouse and type (`<type>-<n>`), skipping the ones still out on kept
routes.
Pure: times are seconds from the plan day's midnight.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from central.logistics.problem import NO_LOAD, Load, RoutingProblem, Unrouted
from central.logistics.solver import Solution, SolvedRoute

ARRIVAL_SLACK_S = 30 * 60  # the window promised to a pickup point: planned arrival +- this


@dataclass(frozen=True)
class PlannedStop:
    seq: int
    pickup_point_id: str
    arrival_s: int
    window_from_s: int
    window_to_s: int
    opens_s: int
    service_s: int
    leg_s: int  # travel from the previous stop (or the depot)
    leg_m: int
    load: Load
    parcels: tuple[str, ...]


@dataclass(frozen=True)
class PlannedRoute:
    warehouse_id: str
    vehicle_type_id: str
    vehicle_id: str
    depart_s: int
    return_s: int
    distance_m: int
    duration_s: int
    load: Load
    capacity: Load
    stops: tuple[PlannedStop, ...]


def assemble(problem: RoutingProblem, solution: Solution,
             busy: Mapping[tuple[str, str], set[int]]) -> tuple[list[PlannedRoute], list[Unrouted]]:
    """Routes in a stable order (by warehouse, type, departure) and the parcels left out, with why.

    `busy`: (warehouse, vehicle type) -> numbers of the vans still out on a kept route.
    """
    numbered: dict[tuple[str, str], int] = {}
    routes = []
    for solved in sorted(solution.routes, key=lambda r: (problem.fleets[r.fleet].van.depot_id,
                                                         problem.fleets[r.fleet].van.type_id, r.depart_s,
                                                         [v.stop for v in r.visits])):
        van = problem.fleets[solved.fleet].van
        key = (van.depot_id, van.type_id)
        n = numbered[key] = _next_free(numbered.get(key, 0), busy.get(key, set()))
        stops = _stops(problem, solved)
        routes.append(PlannedRoute(van.depot_id, van.type_id, f"{van.type_id}-{n}", solved.depart_s, solved.return_s,
                                   solved.distance_m, solved.duration_s,
                                   sum((s.load for s in stops), NO_LOAD), van.capacity, stops))
    reason = ("no van had room or time left for it: every van of the fleet is full or out of shift; "
              "add vans or plan it on a later day")
    left = [Unrouted(p, problem.stops[i].pickup_point_id, reason)
            for i in solution.left_out for p in problem.stops[i].parcels]
    return routes, left


def _next_free(after: int, busy: set[int]) -> int:
    n = after + 1
    while n in busy:
        n += 1
    return n


def _stops(problem: RoutingProblem, solved: SolvedRoute) -> tuple[PlannedStop, ...]:
    m = problem.matrix
    depot = problem.depots[problem.fleets[solved.fleet].depot]
    out: list[PlannedStop] = []
    prev = depot
    for visit in solved.visits:
        stop = problem.stops[visit.stop]
        if out and out[-1].pickup_point_id == stop.pickup_point_id:
            last = out[-1]
            out[-1] = PlannedStop(last.seq, last.pickup_point_id, last.arrival_s, last.window_from_s,
                                  last.window_to_s, last.opens_s, last.service_s + stop.service_s, last.leg_s,
                                  last.leg_m, last.load + stop.demand, last.parcels + stop.parcels)
            continue
        arrival = visit.arrival_s
        out.append(PlannedStop(len(out) + 1, stop.pickup_point_id, arrival,
                               max(stop.opens_s, arrival - ARRIVAL_SLACK_S),
                               min(stop.latest_start_s, arrival + ARRIVAL_SLACK_S), stop.opens_s, stop.service_s,
                               m.duration_s[prev][stop.location], m.distance_m[prev][stop.location],
                               stop.demand, stop.parcels))
        prev = stop.location
    return tuple(out)


def load_pct(load: Load, capacity: Load) -> float:
    """How full a van is: the tighter of weight and volume, in percent."""
    return 100 * max(load.weight_g / max(1, capacity.weight_g), load.volume_ml / max(1, capacity.volume_ml))


def total_km(routes: Sequence[PlannedRoute]) -> float:
    return sum(r.distance_m for r in routes) / 1000
