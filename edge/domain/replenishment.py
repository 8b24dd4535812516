"""Replenishment rules: when a pick face needs stock from reserve, how much, and from which bins.

Pure: balances, rules and the date come in as arguments. A face's level counts what is on it,
less what open picks will take, plus what open replenish tasks are already bringing, so a face
is never asked for twice and a face allocated to the bone is refilled before the picker gets there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from edge.domain.model import Location, Stock

TRIGGERS = ("min", "demand", "urgent", "manual")
PRIORITY = {"urgent": 2, "demand": 1, "min": 0, "manual": 0}


@dataclass(frozen=True)
class Rule:
    min_qty: int
    max_qty: int

    def __post_init__(self) -> None:
        if not 0 <= self.min_qty < self.max_qty:
            raise ValueError(f"min {self.min_qty} and max {self.max_qty}: expected 0 <= min < max")


@dataclass(frozen=True)
class FaceLevel:
    face: Location
    on_hand: int
    allocated: int
    incoming: int  # units open replenish tasks are bringing

    @property
    def level(self) -> int:
        return self.on_hand - self.allocated + self.incoming

    @property
    def room(self) -> int:
        """Units the face can still take; a bin without a capacity takes anything."""
        return self.face.capacity - self.on_hand - self.incoming if self.face.capacity else 10**9


def rule_for(sku: str, zone: str, rules: dict[tuple[str, str], Rule]) -> Rule | None:
    """The SKU's own rule wins over its zone's (keys are (zone, '') and ('', sku))."""
    return rules.get(("", sku)) or rules.get((zone, ""))


def refill_qty(level: FaceLevel, rule: Rule | None, trigger: str, need: int = 0) -> int:
    """How many units to bring to the face now; 0 when it does not need any.

    `min` fires below the face's minimum; `demand` (picks had to reach into reserve: `need` units)
    fires on a face with a rule; `urgent` (a short pick) fires on any face. All fill up to the max
    (without a rule, to the face's capacity), never past the room the face has, and bring at least
    what the demand needs.
    """
    below = rule is not None and level.level < rule.min_qty
    if trigger == "min" and not below:
        return 0
    if trigger == "demand" and (rule is None or (need <= 0 and not below)):
        return 0
    if trigger == "urgent" and need <= 0 and not below:
        return 0
    target = rule.max_qty if rule else (level.face.capacity or need + level.allocated)
    return max(0, min(max(target - level.level, need), level.room))


def plan_sources(qty: int, reserve: list[Stock], face: Location, lot_tracked: bool,
                 today: date) -> list[tuple[Stock, int]]:
    """Reserve bins to take `qty` units from: first expiry first for lot-tracked SKUs (expired lots
    never), then the bin nearest the face."""
    usable = [s for s in reserve if s.free > 0 and s.location.type == "reserve"
              and not (lot_tracked and s.expiry and s.expiry < today)]

    def key(s: Stock):
        expiry = (s.expiry or date.max) if lot_tracked else date.max
        return (expiry, s.location.distance_to(face), s.location.code, s.lot)

    plan, left = [], qty
    for stock in sorted(usable, key=key):
        if left == 0:
            break
        take = min(left, stock.free)
        plan.append((stock, take))
        left -= take
    return plan


def velocity_rule(units_picked: int, days: float, cover_days: float, capacity: int) -> Rule | None:
    """Min covers `cover_days` of the recent daily pick rate, max twice that (capped by the face);
    None for a SKU that was not picked."""
    if units_picked <= 0 or days <= 0:
        return None
    per_day = units_picked / days
    low = max(1, math.ceil(per_day * cover_days))
    high = max(low + 1, 2 * low)
    if capacity:
        high = min(high, capacity)
        low = min(low, high - 1)
    return Rule(low, high)


def choose_face(sku: str, faces: list[FaceLevel], empty: list[Location], near: Location) -> Location | None:
    """The face to refill: the one already holding the SKU with the least level, else the empty face
    nearest `near` (the reserve stock), else None."""
    if faces:
        return min(faces, key=lambda f: (f.level, f.face.code)).face
    if empty:
        return min(empty, key=lambda loc: (loc.distance_to(near), loc.code))
    return None
