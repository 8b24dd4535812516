"""Delivery estimates from a warehouse to a pickup point. Pure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from central.domain.routing import Depot, Point, distance_km

KM_PER_DAY = 600.0  # a line-haul truck's day, including the sort at each hub
HANDLING_DAYS = 1  # pick, pack and the last leg to the pickup point


@dataclass(frozen=True)
class Estimate:
    warehouse_id: str
    distance_km: float
    days: int


def days_for(distance: float) -> int:
    return HANDLING_DAYS + math.ceil(distance / KM_PER_DAY)


def nearest_with_stock(depots: Sequence[Depot], stock: Mapping[str, int], destination: Point
                       ) -> Estimate | None:
    """Where checkout would ship one unit from (the nearest warehouse holding it), and when it
    arrives; None if no warehouse has any."""
    options = [(distance_km(d.location, destination), d.warehouse_id)
               for d in depots if stock.get(d.warehouse_id, 0) > 0]
    if not options:
        return None
    km, warehouse_id = min(options)
    return Estimate(warehouse_id, round(km, 1), days_for(km))
