"""Routing bench: standard VRP instances against their best-known costs, and a city day.

    python bench/routing.py [--quick]

(a) RC208 (Solomon VRPTW, 100 customers) and E-n22-k4 (CVRP) from ../shared/vrp, read with
    PyVRP's VRPLIB reader and solved through the product's own wrapper
    (central.logistics.solver.solve_problem) under a fixed time budget and seed; the
    best-known cost (the bound) is beside each result as a gap in percent.
(b) A city: 120 pickup points, 2,000 shipped parcels, 40 vans of two types, opening hours and
    shifts; planned through the product's pipeline (travel estimate, problem building with
    unroutable checks, the solver, plan assembly: what `plan_routes` runs between its read and
    its write). Beside it, in the same run: a nearest-neighbour construction over the same stops
    (the ratio of our km to its km) and the bare solver's share of the planning time.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyvrp  # noqa: E402

from central.domain.routing import Point  # noqa: E402
from central.logistics.plan import assemble, total_km  # noqa: E402
from central.logistics.problem import Fleet, Load, Outlet, Parcel, RoutingProblem, Stop, VanType, build  # noqa: E402
from central.logistics.solver import Budget, solve_problem  # noqa: E402
from central.logistics.travel import Estimate, Matrix, Place, estimate  # noqa: E402

VRP = ROOT.parent / "shared" / "vrp"
BEST = {"rc208": 7761, "e_n22_k4": 375}  # ../shared/vrp/README.md (RC208 x10 with dimacs rounding)
SEED = 1
NO_LIMIT = 10**9


def from_vrplib(path: Path, round_func: str) -> RoutingProblem:
    """A VRPLIB instance as the product's RoutingProblem: one load dimension, every client required."""
    data = pyvrp.read(str(path), round_func=round_func)
    dist, dur = data.distance_matrix(0), data.duration_matrix(0)
    matrix = Matrix(tuple(str(i) for i in range(data.num_locations)), tuple(map(tuple, dist.tolist())),
                    tuple(map(tuple, dur.tolist())))
    stops = tuple(Stop(f"c{i}", c.location, 0, Load(c.delivery[0], 0), c.tw_early, c.tw_late, c.service_duration,
                       (f"c{i}",)) for i, c in enumerate(data.clients()))
    fleets = tuple(Fleet(VanType(f"t{i}", "depot", v.num_available, Load(v.capacity[0], NO_LIMIT),
                                 v.tw_early, min(v.tw_late, 10**12)), 0) for i, v in enumerate(data.vehicle_types()))
    return RoutingProblem(matrix, tuple(d.location for d in data.depots()), stops, fleets, required=True)


def standard(name: str, path: Path, round_func: str, seconds: float) -> dict[str, float]:
    problem = from_vrplib(path, round_func)
    solution = solve_problem(problem, Budget(time_s=seconds, iterations=NO_LIMIT, seed=SEED))
    cost = sum(r.distance_m for r in solution.routes)
    gap = 100 * (cost - BEST[name]) / BEST[name]
    print(f"{name}: cost {cost} vs best known {BEST[name]}: gap {gap:.2f}% after {solution.runtime_s:.1f} s "
          f"({solution.iterations} iterations, feasible={solution.feasible}, all served={not solution.left_out})")
    return {f"{name}_gap_pct": round(gap, 3), f"{name}_budget_s": seconds, f"{name}_cost": cost,
            f"{name}_best_known": BEST[name]}


def city(seed: int) -> tuple[Place, list[Outlet], list[Parcel], list[VanType]]:
    rng = random.Random(seed)
    depot = Place("fc", Point(55.60, 37.55))  # a fulfilment centre on the ring road's south side
    outlets = []
    for i in range(120):
        r, a = 18 * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi)
        where = Point(55.756 + r * math.sin(a) / 111.0, 37.617 + r * math.cos(a) / (111.0 * 0.56))
        opens, closes = rng.choice([(9, 21), (10, 20), (8, 22), (10, 22)])
        outlets.append(Outlet(Place(f"pp{i:03d}", where), opens * 3600, closes * 3600, rng.choice([300, 420, 600])))
    parcels = [Parcel(f"s{i:05d}", "fc", rng.choice(outlets).place.place_id,
                      Load(rng.randint(200, 15_000), rng.randint(1_000, 60_000))) for i in range(2000)]
    vans = [VanType("small", "fc", 25, Load(700_000, 6_000_000), 8 * 3600, 20 * 3600, 25, 170),
            VanType("large", "fc", 15, Load(1_500_000, 14_000_000), 8 * 3600, 20 * 3600, 35, 220)]
    return depot, outlets, parcels, vans


def nearest_neighbour_km(problem: RoutingProblem) -> float:
    """Each van in turn from the depot to the nearest stop it can still take in time, until none is left."""
    m, depot = problem.matrix, problem.depots[0]
    left = set(range(len(problem.stops)))
    metres = 0
    for fleet in sorted(problem.fleets, key=lambda f: -f.van.capacity.weight_g):
        for _ in range(fleet.van.count):
            here, t, load = depot, fleet.van.starts_s, Load(0, 0)
            while True:
                options = []
                for i in left:
                    s = problem.stops[i]
                    arrive = t + m.duration_s[here][s.location]
                    start = max(arrive, s.opens_s)
                    back = start + s.service_s + m.duration_s[s.location][depot]
                    if (load + s.demand).fits(fleet.van.capacity) and start <= s.latest_start_s \
                            and back <= fleet.van.ends_s:
                        options.append((m.distance_m[here][s.location], i, start))
                if not options:
                    break
                d, i, start = min(options)
                metres, here, t = metres + d, problem.stops[i].location, start + problem.stops[i].service_s
                load = load + problem.stops[i].demand
                left.discard(i)
            metres += m.distance_m[here][depot]
    return metres / 1000


def city_day(seconds: float) -> dict[str, float]:
    depot, outlets, parcels, vans = city(SEED)
    started = time.perf_counter()
    matrix = estimate([depot, *(o.place for o in outlets)], Estimate(speed_kmh=25, detour_factor=1.35))
    problem, unroutable = build(parcels, outlets, [depot], vans, matrix)
    solution = solve_problem(problem, Budget(time_s=seconds, iterations=NO_LIMIT, seed=SEED))
    routes, left = assemble(problem, solution, {})
    plan_s = time.perf_counter() - started
    km, nn_km = total_km(routes), nearest_neighbour_km(problem)
    print(f"city: {len(parcels)} parcels to {len(outlets)} pickup points in {len(problem.stops)} stops; "
          f"{len(routes)} of 40 vans, {km:.1f} km, {len(unroutable) + len(left)} unrouted, planned in {plan_s:.1f} s "
          f"(solver {solution.runtime_s:.1f} s, {solution.iterations} iterations); nearest neighbour {nn_km:.1f} km")
    return {"city_plan_s": round(plan_s, 2), "city_solver_s": round(solution.runtime_s, 2),
            "city_time_budget_s": seconds, "city_vans_used": len(routes), "city_km": round(km, 1),
            "city_unrouted": len(unroutable) + len(left), "city_nn_km": round(nn_km, 1),
            "city_vs_nearest_neighbour": round(km / nn_km, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter budgets: finishes in under 45 s")
    args = parser.parse_args()
    budgets = (8.0, 1.0, 20.0) if args.quick else (10.0, 5.0, 30.0)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; seed {SEED}")
    figures: dict[str, float] = {"seed": SEED}
    figures |= standard("rc208", VRP / "RC208.vrp", "dimacs", budgets[0])
    figures |= standard("e_n22_k4", VRP / "E-n22-k4.txt", "round", budgets[1])
    figures |= city_day(budgets[2])
    figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
