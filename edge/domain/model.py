"""Pure value objects of the edge domain. No I/O: time and ids come in as arguments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LOCATION_TYPES = frozenset(
    {"receiving", "reserve", "pick_face", "staging", "pack_station", "dock", "tote", "robot", "put_wall",
     "returns", "quarantine"}
)
STORAGE_TYPES = frozenset({"reserve", "pick_face"})
# Stock at these locations is on hand but must not be sold: a return waits at `returns` until it
# is inspected, `quarantine` holds what inspection kept off the shelf; allocation never takes from
# either, and putaway only moves into bins what inspection restocked. Every other type is
# sellable: `receiving` and `staging` hold goods on their way to a bin (sold now, picked once put
# away), and `tote`, `put_wall`, `pack_station`, `robot` and `dock` hold units already picked for
# a shipment (or carried to a face), which central keeps in the order's hold until they ship -
# counting them unsellable as well would take them off what is for sale twice.
UNSELLABLE_TYPES = frozenset({"returns", "quarantine"})
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


def sellable(location_type: str) -> bool:
    """Whether units at a location of this type count toward what central may sell."""
    return location_type not in UNSELLABLE_TYPES
