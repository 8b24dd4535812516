"""Pure value objects of the edge domain. No I/O: time and ids come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LOCATION_TYPES = frozenset(
    {"receiving", "reserve", "pick_face", "staging", "pack_station", "dock", "tote", "robot", "put_wall",
     "returns", "quarantine"}
)
STORAGE_TYPES = frozenset({"reserve", "pick_face"})
MOVEMENT_KINDS = frozenset(
    {"receive", "move", "pick", "pack", "ship", "adjust", "count", "return"}
)
# A sane ceiling for one scan or one line: a typo like 10000 instead of 10 must not go through.
MAX_QTY = 100_000


@dataclass(frozen=True)
class Location:
    code: str
    zone: str
    type: str
    x: float
    y: float
    capacity: int

    def distance_to(self, other: Location) -> float:
        # Manhattan: pickers walk along aisles, not through racks.
        return abs(self.x - other.x) + abs(self.y - other.y)


@dataclass(frozen=True)
class Stock:
    """One balance row as the allocator sees it."""

    location: Location
    sku: str
    lot: str
    expiry: date | None
    on_hand: int
    allocated: int

    @property
    def free(self) -> int:
        return self.on_hand - self.allocated
