"""Allocation of an outbound line to stock: FEFO for lot-tracked SKUs, then the nearest bin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from edge.domain.model import STORAGE_TYPES, Location, Stock


@dataclass(frozen=True)
class Allocation:
    stock: Stock
    qty: int


def plan_allocation(
    qty: int, candidates: list[Stock], origin: Location, lot_tracked: bool, today: date | None = None
) -> tuple[list[Allocation], int]:
    """Choose bins for `qty` units; returns the allocations and the quantity left unallocated.

    Expired lots are never allocated. Pick faces come before reserve at equal expiry, because
    picking from reserve needs a reach truck.
    """
    usable = [
        s for s in candidates
        if s.free > 0 and s.location.type in STORAGE_TYPES
        and not (lot_tracked and today and s.expiry and s.expiry < today)
    ]

    def key(s: Stock):
        expiry = s.expiry or date.max if lot_tracked else date.max
        return (expiry, s.location.type != "pick_face", s.location.distance_to(origin), s.location.code)

    plan: list[Allocation] = []
    left = qty
    for stock in sorted(usable, key=key):
        if left == 0:
            break
        take = min(left, stock.free)
        plan.append(Allocation(stock, take))
        left -= take
    return plan, left
