"""ETAs of a route's remaining stops from where the van actually is. Pure.

The van is free at `free_at` (it left the depot, or finished or arrived at a stop); each next
stop is reached after its leg, waits for the pickup point to open, and takes its service time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Ahead:
    leg_s: int
    opens_at: datetime
    service_s: int


def etas(free_at: datetime, ahead: Sequence[Ahead]) -> list[datetime]:
    """Arrival time at each stop ahead, in order."""
    out = []
    t = free_at
    for stop in ahead:
        arrival = t + timedelta(seconds=stop.leg_s)
        out.append(arrival)
        t = max(arrival, stop.opens_at) + timedelta(seconds=stop.service_s)
    return out


def free_after_arrival(arrived_at: datetime, opens_at: datetime, service_s: int) -> datetime:
    """When a van that reached a stop at `arrived_at` is expected to leave it."""
    return max(arrived_at, opens_at) + timedelta(seconds=service_s)
