"""Routing: which warehouses ship an order's lines to its pickup point.

Rule: one warehouse that can ship every line, the nearest to the pickup point; otherwise a
split over the fewest warehouses, and among equally few, the shortest total distance.
A single SKU may be split across warehouses only when no warehouse in the split holds it all.
Pure: availability comes in as data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from central.domain.orders import Line
from central.errors import OutOfStock

EARTH_RADIUS_KM = 6371.0
# Above this many candidate subsets per size, fall back to a greedy cover.
EXACT_SEARCH_BUDGET = 20_000


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Depot:
    warehouse_id: str
    location: Point


@dataclass(frozen=True)
class ShipmentPlan:
    warehouse_id: str
    distance_km: float
    lines: tuple[Line, ...]


Availability = Mapping[str, Mapping[str, int]]  # warehouse_id -> sku -> available units


def distance_km(a: Point, b: Point) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def plan_route(
    lines: Sequence[Line], depots: Sequence[Depot], available: Availability, destination: Point
) -> list[ShipmentPlan]:
    """Plan shipments for `lines`, or raise OutOfStock naming the SKUs the network lacks."""
    _check_network_has_enough(lines, depots, available)
    dist = {d.warehouse_id: distance_km(d.location, destination) for d in depots}
    relevant = sorted(
        (d for d in depots
         if any(available.get(d.warehouse_id, {}).get(ln.sku, 0) > 0 for ln in lines)),
        key=lambda d: (dist[d.warehouse_id], d.warehouse_id),
    )
    for size in range(1, len(relevant) + 1):
        best = _best_subset(lines, relevant, available, size, dist)
        if best is not None:
            return _allocate(lines, best, available, dist)
    raise AssertionError("network total covers the lines, so the full set must")


def _check_network_has_enough(
    lines: Sequence[Line], depots: Sequence[Depot], available: Availability
) -> None:
    short = {}
    for line in lines:
        total = sum(available.get(d.warehouse_id, {}).get(line.sku, 0) for d in depots)
        if total < line.qty:
            short[line.sku] = max(total, 0)
    if short:
        names = ", ".join(f"{sku} ({n} available)" for sku, n in sorted(short.items()))
        raise OutOfStock(f"not enough stock for: {names}", available=short)


def _covers(lines: Sequence[Line], subset: Sequence[Depot], available: Availability) -> bool:
    return all(
        sum(available.get(d.warehouse_id, {}).get(ln.sku, 0) for d in subset) >= ln.qty
        for ln in lines
    )


def _best_subset(
    lines: Sequence[Line],
    ordered: Sequence[Depot],
    available: Availability,
    size: int,
    dist: Mapping[str, float],
) -> tuple[Depot, ...] | None:
    """Feasible subset of `size` depots with the least summed distance (ordered: nearest first)."""
    if math.comb(len(ordered), size) > EXACT_SEARCH_BUDGET:
        return _greedy_subset(lines, ordered, available, size)
    feasible = (c for c in combinations(ordered, size) if _covers(lines, c, available))
    return min(feasible, key=lambda c: sum(dist[d.warehouse_id] for d in c), default=None)


def _greedy_subset(
    lines: Sequence[Line], ordered: Sequence[Depot], available: Availability, size: int
) -> tuple[Depot, ...] | None:
    """Classic greedy set cover by units still needed, nearest first on ties."""
    need = {ln.sku: ln.qty for ln in lines}
    chosen: list[Depot] = []
    while any(q > 0 for q in need.values()) and len(chosen) < size:
        gains = {d.warehouse_id: _units_covered(need, available.get(d.warehouse_id, {}))
                 for d in ordered if d not in chosen}
        pick = max((d for d in ordered if d not in chosen), key=lambda d: gains[d.warehouse_id])
        if gains[pick.warehouse_id] == 0:
            return None
        chosen.append(pick)
        stock = available.get(pick.warehouse_id, {})
        need = {s: q - min(stock.get(s, 0), q) for s, q in need.items()}
    return tuple(chosen) if all(q <= 0 for q in need.values()) else None


def _units_covered(need: Mapping[str, int], stock: Mapping[str, int]) -> int:
    return sum(min(stock.get(sku, 0), qty) for sku, qty in need.items() if qty > 0)


def _allocate(
    lines: Sequence[Line],
    subset: Sequence[Depot],
    available: Availability,
    dist: Mapping[str, float],
) -> list[ShipmentPlan]:
    """Assign each line to the nearest depot in the subset holding all of it, else spill over."""
    ordered = sorted(subset, key=lambda d: (dist[d.warehouse_id], d.warehouse_id))
    per_depot: dict[str, list[Line]] = {d.warehouse_id: [] for d in ordered}
    for line in lines:
        whole = next((d for d in ordered
                      if available.get(d.warehouse_id, {}).get(line.sku, 0) >= line.qty), None)
        if whole is not None:
            per_depot[whole.warehouse_id].append(line)
            continue
        remaining = line.qty
        for d in ordered:
            take = min(available.get(d.warehouse_id, {}).get(line.sku, 0), remaining)
            if take > 0:
                per_depot[d.warehouse_id].append(Line(line.sku, take))
                remaining -= take
    return [
        ShipmentPlan(d.warehouse_id, round(dist[d.warehouse_id], 3),
                     tuple(per_depot[d.warehouse_id]))
        for d in ordered if per_depot[d.warehouse_id]
    ]
