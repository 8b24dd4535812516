"""Putaway suggestion: the nearest storage bin with room, preferring bins that already hold the SKU."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.model import STORAGE_TYPES, Location


@dataclass(frozen=True)
class BinLoad:
    location: Location
    units: int          # all units in the bin, any SKU
    holds_sku: bool     # the SKU (same lot) is already there


def suggest_putaway(
    qty: int, origin: Location, bins: list[BinLoad], zone: str | None = None
) -> Location | None:
    room = [
        b for b in bins
        if b.location.type in STORAGE_TYPES
        and (zone is None or b.location.zone == zone)
        and b.location.capacity - b.units >= qty
    ]
    if not room:
        return None
    best = min(room, key=lambda b: (not b.holds_sku, b.location.distance_to(origin), b.location.code))
    return best.location
