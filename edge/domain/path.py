"""Walking order for pick tasks: the S-shape (serpentine) route used on most pick floors.

Aisles are bands of equal x; the picker walks up the first aisle, down the next, and so on,
so tasks are sorted by aisle and then by y in alternating direction.
"""

from __future__ import annotations

from collections.abc import Iterable

from edge.domain.model import Location


def walking_order(locations: Iterable[Location]) -> list[Location]:
    locs = list(locations)
    aisles = sorted({round(loc.x, 2) for loc in locs})
    rank = {x: i for i, x in enumerate(aisles)}

    def key(loc: Location) -> tuple[int, float, str]:
        i = rank[round(loc.x, 2)]
        return (i, loc.y if i % 2 == 0 else -loc.y, loc.code)

    return sorted(locs, key=key)
