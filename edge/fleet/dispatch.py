"""Choosing: the best idle vehicle for a task, a free charger, a free parking place. Pure."""

from __future__ import annotations

import math

from edge.fleet.graph import RoadGraph
from edge.fleet.tasks import TransportTask
from edge.fleet.traffic import Reservations
from edge.fleet.vehicles import FleetVehicle

BATTERY_WEIGHT_S = 0.3  # seconds of extra travel one point of missing charge is worth


def best_vehicle(graph: RoadGraph, task: TransportTask, pickup: str, vehicles: list[FleetVehicle],
                 charge_below: float) -> FleetVehicle | None:
    """The idle vehicle that carries this load type, has charge to spare and gets there first
    (travel time at edge speeds, a little penalty for a lower battery)."""
    times = graph.times_to(pickup)
    best, best_cost = None, math.inf
    for v in vehicles:
        if not v.idle or v.paused or v.battery < charge_below or task.load_type not in v.load_types:
            continue
        cost = times.get(v.node, math.inf) + BATTERY_WEIGHT_S * (100.0 - v.battery)
        if cost < best_cost:
            best, best_cost = v, cost
    return best


def free_spot(graph: RoadGraph, kind: str, near: str, res: Reservations, targeted: set[str]) -> str | None:
    """The nearest node (straight line) of `kind` (charger, parking) nobody holds or is heading to."""
    here = graph.nodes[near]
    spots = [n for n in graph.of_kind(kind) if n.id not in res.nodes and n.id not in targeted]
    if not spots:
        return None
    return min(spots, key=lambda n: (n.x - here.x) ** 2 + (n.y - here.y) ** 2).id
