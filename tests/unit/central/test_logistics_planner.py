"""The planner against brute force on tiny instances, and its constraints on random ones."""

from __future__ import annotations

import itertools
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from central.domain.routing import Point
from central.logistics.plan import assemble
from central.logistics.problem import Load, Outlet, Parcel, RoutingProblem, VanType, build
from central.logistics.solver import Budget, solve_problem
from central.logistics.travel import Estimate, Place, estimate

DEPOT = Place("wh", Point(55.75, 37.62))
BIG = Load(10**9, 10**9)


def city(rng: random.Random, n: int) -> list[Place]:
    return [Place(f"pp{i}", Point(55.75 + rng.uniform(-0.1, 0.1), 37.62 + rng.uniform(-0.15, 0.15)))
            for i in range(n)]


def tour_cost(dist: tuple[tuple[int, ...], ...], order: tuple[int, ...], depot: int) -> int:
    path = (depot, *order, depot)
    return sum(dist[a][b] for a, b in itertools.pairwise(path))


def test_one_van_tour_is_optimal_on_up_to_eight_stops() -> None:
    for n, seed in [(3, 1), (5, 2), (6, 3), (7, 4), (8, 5)]:
        rng = random.Random(seed)
        places = city(rng, n)
        matrix = estimate([DEPOT, *places], Estimate())
        parcels = [Parcel(f"s{i}", "wh", p.place_id, Load(1000, 1000)) for i, p in enumerate(places)]
        outlets = [Outlet(p, 0, 86_400, 0) for p in places]
        problem, unrouted = build(parcels, outlets, [DEPOT], [VanType("van", "wh", 1, BIG, 0, 86_400)], matrix)
        solution = solve_problem(problem, Budget(time_s=10, iterations=1500, seed=1))
        best = min(tour_cost(matrix.distance_m, perm, 0) for perm in itertools.permutations(range(1, n + 1)))
        assert unrouted == [] and solution.left_out == ()
        assert sum(r.distance_m for r in solution.routes) == best, (n, seed)


def best_timed_tour(problem: RoutingProblem) -> int | None:
    """Brute force: the shortest order of all stops that meets every window and the shift, or None."""
    m, van, depot = problem.matrix, problem.fleets[0].van, problem.depots[0]
    best = None
    for perm in itertools.permutations(problem.stops):
        t, here, ok = van.starts_s, depot, True
        for s in perm:
            start = max(t + m.duration_s[here][s.location], s.opens_s)
            if start > s.latest_start_s:
                ok = False
                break
            t, here = start + s.service_s, s.location
        if ok and t + m.duration_s[here][depot] <= van.ends_s:
            cost = tour_cost(m.distance_m, tuple(s.location for s in perm), depot)
            best = cost if best is None else min(best, cost)
    return best


def test_tour_with_time_windows_is_optimal_on_up_to_seven_stops() -> None:
    for n, seed in [(4, 11), (6, 12), (7, 13)]:
        rng = random.Random(seed)
        places = city(rng, n)
        matrix = estimate([DEPOT, *places], Estimate(speed_kmh=15))
        outlets = [Outlet(p, rng.randint(8, 11) * 3600, rng.randint(12, 15) * 3600, 900) for p in places]
        parcels = [Parcel(f"s{i}", "wh", p.place_id, Load(1, 1)) for i, p in enumerate(places)]
        problem, unrouted = build(parcels, outlets, [DEPOT], [VanType("van", "wh", 1, BIG, 8 * 3600, 16 * 3600)],
                                  matrix)
        best = best_timed_tour(problem)
        solution = solve_problem(problem, Budget(time_s=10, iterations=1500, seed=1))
        assert best is not None and unrouted == [] and solution.left_out == ()
        assert sum(r.distance_m for r in solution.routes) == best, (n, seed)


def test_two_vans_split_optimally_when_capacity_forces_it() -> None:
    rng = random.Random(7)
    places = city(rng, 6)
    matrix = estimate([DEPOT, *places], Estimate())
    parcels = [Parcel(f"s{i}", "wh", p.place_id, Load(100, 100)) for i, p in enumerate(places)]
    outlets = [Outlet(p, 0, 86_400, 0) for p in places]
    van = VanType("van", "wh", 2, Load(300, 10**6), 0, 86_400)
    problem, _ = build(parcels, outlets, [DEPOT], [van], matrix)
    solution = solve_problem(problem, Budget(time_s=10, iterations=1500, seed=1))
    best = min(tour_cost(matrix.distance_m, perm[:3], 0) + tour_cost(matrix.distance_m, perm[3:], 0)
               for perm in itertools.permutations(range(1, 7)))
    assert sum(r.distance_m for r in solution.routes) == best
    assert all(len(r.visits) == 3 for r in solution.routes)


def test_same_input_same_plan() -> None:
    rng = random.Random(3)
    places = city(rng, 25)
    matrix = estimate([DEPOT, *places], Estimate())
    parcels = [Parcel(f"s{i:03d}", "wh", rng.choice(places).place_id, Load(rng.randint(1, 30_000), 5_000))
               for i in range(120)]
    outlets = [Outlet(p, 9 * 3600, 21 * 3600, 300) for p in places]
    vans = [VanType("small", "wh", 4, Load(400_000, 3_000_000), 8 * 3600, 20 * 3600),
            VanType("big", "wh", 2, Load(1_200_000, 9_000_000), 8 * 3600, 20 * 3600)]
    problem, _ = build(parcels, outlets, [DEPOT], vans, matrix)
    first = assemble(problem, solve_problem(problem, Budget(30, 400, 5)), {})
    again = assemble(problem, solve_problem(problem, Budget(30, 400, 5)), {})
    assert first == again


def test_parcels_no_van_can_take_are_reported_with_the_reason() -> None:
    places = city(random.Random(1), 3)
    matrix = estimate([DEPOT, *places], Estimate(speed_kmh=30))
    outlets = [Outlet(places[0], 9 * 3600, 18 * 3600, 300), Outlet(places[1], None, 0, 300),
               Outlet(places[2], 6 * 3600, 7 * 3600, 300)]
    parcels = [Parcel("heavy", "wh", "pp0", Load(2_000_000, 1000)), Parcel("closed", "wh", "pp1", Load(1, 1)),
               Parcel("early", "wh", "pp2", Load(1, 1)), Parcel("fine", "wh", "pp0", Load(1, 1))]
    van = VanType("van", "wh", 1, Load(1_000_000, 10_000_000), 8 * 3600, 20 * 3600)
    problem, unrouted = build(parcels, outlets, [DEPOT], [van], matrix)
    reasons = {u.shipment_id: u.reason for u in unrouted}
    assert "more than the largest van" in reasons["heavy"]
    assert "closed" in reasons["closed"]
    assert "earliest van arrives at 08:" in reasons["early"]
    assert [s.parcels for s in problem.stops] == [("fine",)]


def test_a_full_fleet_leaves_parcels_out_with_a_reason_never_drops_them() -> None:
    places = city(random.Random(2), 5)
    matrix = estimate([DEPOT, *places], Estimate())
    parcels = [Parcel(f"s{i}", "wh", p.place_id, Load(600_000, 1000)) for i, p in enumerate(places)]
    problem, unrouted = build(parcels, [Outlet(p, 0, 86_400, 60) for p in places], [DEPOT],
                              [VanType("van", "wh", 2, Load(1_000_000, 10**6), 0, 86_400)], matrix)
    routes, left = assemble(problem, solve_problem(problem, Budget(10, 500, 1)), {})
    carried = [p for r in routes for s in r.stops for p in s.parcels]
    assert unrouted == [] and len(carried) == 2 and len(left) == 3
    assert sorted(carried + [u.shipment_id for u in left]) == [f"s{i}" for i in range(5)]
    assert all("no van had room" in u.reason for u in left)


def test_each_warehouse_ships_only_its_own_parcels_on_a_joint_plan() -> None:
    other = Place("wh2", Point(55.70, 37.40))
    places = city(random.Random(4), 6)
    matrix = estimate([DEPOT, other, *places], Estimate())
    parcels = [Parcel(f"a{i}", "wh", p.place_id, Load(1, 1)) for i, p in enumerate(places)] + \
              [Parcel(f"b{i}", "wh2", p.place_id, Load(1, 1)) for i, p in enumerate(places)]
    vans = [VanType("va", "wh", 2, BIG, 0, 86_400), VanType("vb", "wh2", 2, BIG, 0, 86_400)]
    problem, _ = build(parcels, [Outlet(p, 0, 86_400, 60) for p in places], [DEPOT, other], vans, matrix)
    routes, left = assemble(problem, solve_problem(problem, Budget(10, 500, 1)), {})
    assert left == []
    for r in routes:
        assert {p[0] for s in r.stops for p in s.parcels} == {"a" if r.vehicle_type_id == "va" else "b"}


def check_routes(problem: RoutingProblem, routes) -> None:  # type: ignore[no-untyped-def]
    """Recompute every route from the matrix: load within capacity, service inside windows and shift."""
    m = problem.matrix
    by_parcel = {p: s for s in problem.stops for p in s.parcels}
    for route in routes:
        van = next(f.van for f in problem.fleets if f.van.type_id == route.vehicle_type_id)
        assert route.load.fits(van.capacity)
        t, here = route.depart_s, problem.depots[0]
        assert t >= van.starts_s
        for stop in route.stops:
            first = by_parcel[stop.parcels[0]]
            t = t + m.duration_s[here][first.location]
            start = max(t, first.opens_s)
            assert start <= first.latest_start_s, (stop, start)
            t, here = start + stop.service_s, first.location
        assert t + m.duration_s[here][problem.depots[0]] <= van.ends_s


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(seed=st.integers(0, 10_000), n_points=st.integers(1, 12), n_parcels=st.integers(1, 40),
       small=st.integers(0, 3), big=st.integers(0, 2), cap_kg=st.integers(5, 60), open_h=st.integers(6, 12),
       close_h=st.integers(13, 22))
def test_capacities_and_time_windows_always_hold(seed: int, n_points: int, n_parcels: int, small: int, big: int,
                                                 cap_kg: int, open_h: int, close_h: int) -> None:
    """A mixed fleet (a small early van, a big late one), random windows, loads and speeds."""
    rng = random.Random(seed)
    places = city(rng, n_points)
    matrix = estimate([DEPOT, *places], Estimate(speed_kmh=rng.uniform(10, 40)))
    outlets = [Outlet(p, rng.randint(open_h - 2, open_h) * 3600, rng.randint(close_h - 3, close_h) * 3600,
                      rng.choice([0, 120, 600])) if rng.random() > 0.1 else Outlet(p, None, 0, 300) for p in places]
    parcels = [Parcel(f"s{i:03d}", "wh", rng.choice(places).place_id,
                      Load(rng.randint(100, 15_000), rng.randint(100, 40_000))) for i in range(n_parcels)]
    fleet = [VanType("small", "wh", small, Load(cap_kg * 1000, 100_000), 7 * 3600, 15 * 3600, 20, 100),
             VanType("big", "wh", big, Load(cap_kg * 3000, 300_000), 10 * 3600, 20 * 3600, 35, 150)]
    problem, unrouted = build(parcels, outlets, [DEPOT], fleet, matrix)
    routes, left = assemble(problem, solve_problem(problem, Budget(10, 200, seed)), {})
    check_routes(problem, routes)
    carried = [p for r in routes for s in r.stops for p in s.parcels]
    assert sorted(carried + [u.shipment_id for u in [*unrouted, *left]]) == sorted(p.shipment_id for p in parcels)
    assert all(u.reason for u in [*unrouted, *left])
    assert sum(1 for r in routes if r.vehicle_type_id == "small") <= small
    assert sum(1 for r in routes if r.vehicle_type_id == "big") <= big
