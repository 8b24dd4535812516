"""The route solver: a RoutingProblem in, routes out, through PyVRP (hybrid genetic search).

Deterministic: a fixed seed and an iteration limit give the same plan for the same input; the
time budget is a ceiling for when the machine is slow (then the plan is the best found so far,
and `stopped_by` says so). Capacities are two dimensions (grams, millilitres). Several depots:
each depot's vans get their own profile in which the other depots' stops are out of reach, so a
parcel only ever leaves on a van of the warehouse that holds it. Optional stops carry a prize
far above any detour, so the solver leaves one out only when no van has room or time for it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from pyvrp import Client, Depot, Location, ProblemData, VehicleType, solve
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria

from central.logistics.problem import RoutingProblem

UNREACHABLE = 1 << 40  # a leg no van of this profile may take; far below PyVRP's MAX_VALUE


@dataclass(frozen=True)
class Budget:
    time_s: float = 10.0
    iterations: int = 20_000
    seed: int = 1


@dataclass(frozen=True)
class Visit:
    stop: int  # index into problem.stops
    arrival_s: int
    service_start_s: int


@dataclass(frozen=True)
class SolvedRoute:
    fleet: int  # index into problem.fleets
    visits: tuple[Visit, ...]
    depart_s: int
    return_s: int
    distance_m: int
    duration_s: int


@dataclass(frozen=True)
class Solution:
    routes: tuple[SolvedRoute, ...]
    left_out: tuple[int, ...]  # stops no van had room or time for
    feasible: bool
    iterations: int
    runtime_s: float
    stopped_by: str  # "iterations" or "time"


def solve_problem(problem: RoutingProblem, budget: Budget) -> Solution:
    if not problem.stops or not problem.fleets:
        return Solution((), tuple(range(len(problem.stops))), True, 0, 0.0, "iterations")
    data = to_pyvrp(problem)
    started = time.perf_counter()
    stop = MultipleCriteria([MaxIterations(budget.iterations), MaxRuntime(budget.time_s)])
    result = solve(data, stop, seed=budget.seed, collect_stats=False, display=False)
    runtime = time.perf_counter() - started
    best = result.best
    # A route the solver could not make feasible in the budget is not driven: its stops are left
    # out (and reported), so no plan ever breaks a capacity, a window or a shift.
    routes = tuple(_route(r) for r in best.routes() if r.is_feasible())
    served = {v.stop for r in routes for v in r.visits}
    return Solution(routes, tuple(i for i in range(len(problem.stops)) if i not in served), best.is_feasible(),
                    result.num_iterations, runtime,
                    "iterations" if result.num_iterations >= budget.iterations else "time")


def to_pyvrp(problem: RoutingProblem) -> ProblemData:
    m = problem.matrix
    n_depots = len(problem.depots)
    # PyVRP wants depots first and one location per client; stops at the same pickup point
    # share its coordinates but get their own location index (zero legs between them).
    order = list(problem.depots) + [s.location for s in problem.stops]
    dist = np.asarray(m.distance_m, dtype=np.int64)[np.ix_(order, order)]
    dur = np.asarray(m.duration_s, dtype=np.int64)[np.ix_(order, order)]
    locations = [Location(x=float(i), y=0.0) for i in range(len(order))]
    depots = [Depot(location=i) for i in range(n_depots)]
    prize = _prize(problem, dist, dur)
    clients = [Client(location=n_depots + i, delivery=[s.demand.weight_g, s.demand.volume_ml],
                      service_duration=s.service_s, tw_early=s.opens_s, tw_late=max(s.opens_s, s.latest_start_s),
                      prize=0 if problem.required else prize, required=problem.required)
               for i, s in enumerate(problem.stops)]
    multi = n_depots > 1
    types = [VehicleType(num_available=f.van.count, capacity=[f.van.capacity.weight_g, f.van.capacity.volume_ml],
                         start_depot=f.depot, end_depot=f.depot, tw_early=f.van.starts_s, tw_late=f.van.ends_s,
                         unit_distance_cost=f.van.unit_distance_cost, unit_duration_cost=f.van.unit_duration_cost,
                         profile=f.depot if multi else 0, name=f.van.type_id)
             for f in problem.fleets]
    if not multi:
        return ProblemData(locations, clients, depots, types, [dist], [dur])
    dists, durs = [], []
    for d in range(n_depots):
        foreign = [n_depots + i for i, s in enumerate(problem.stops) if s.depot != d]
        pd, pu = dist.copy(), dur.copy()
        pd[foreign, :] = pd[:, foreign] = UNREACHABLE
        pu[foreign, :] = pu[:, foreign] = UNREACHABLE
        np.fill_diagonal(pd, 0)
        np.fill_diagonal(pu, 0)
        dists.append(pd)
        durs.append(pu)
    return ProblemData(locations, clients, depots, types, dists, durs)


def _prize(problem: RoutingProblem, dist: np.ndarray, dur: np.ndarray) -> int:
    """Worth more than the dearest round trip any van could make to any one stop."""
    per_m = max(f.van.unit_distance_cost for f in problem.fleets)
    per_s = max(f.van.unit_duration_cost for f in problem.fleets)
    return int(10 * (2 * int(dist.max()) * per_m + 2 * int(dur.max()) * per_s) + 1_000_000)


def _route(route) -> SolvedRoute:  # type: ignore[no-untyped-def]
    # A client activity's idx is its index among the clients, which is our stop index.
    visits = tuple(Visit(a.idx, a.start_time - a.wait_duration, a.start_time)
                   for a in route.schedule() if a.is_client())
    return SolvedRoute(route.vehicle_type(), visits, route.start_time(), route.end_time(),
                       route.distance(), route.duration())
