"""A handheld's pack at a station with a scale gets the station's own weight check.

The station's fixed scanner already weighs a tote before it packs (`edge.hardware.packing`); a
handheld naming that station must not be a way round it. The same scale reading, the same
tolerance and the same exception task (same key, so a tote weighed wrong twice makes one task).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from edge.errors import Conflict
from edge.hardware.config import PackStation
from edge.hardware.floor import Floor
from edge.hardware.hub import DeviceHub
from edge.hardware.packing import stable_weight_g
from edge.hardware.weighing import WeightVerdict, check_weight


@dataclass
class PackScale:
    floor: Floor
    stations: dict[str, PackStation]  # by the pack_station location the handheld scans

    @classmethod
    def of(cls, hub: DeviceHub) -> PackScale:
        return cls(hub.floor, {p.station: p for p in hub.hw.pack_stations.values()})

    async def weigh(self, tote: str, station: str) -> WeightVerdict | None:
        """The verdict on the tote now on `station`'s scale; None when the station has no scale."""
        ps = self.stations.get(station)
        if ps is None:
            return None
        lines = await self.floor.queries.tote_lines(tote)
        measured = await stable_weight_g(self.floor, ps, time.time())
        if measured is None:
            raise Conflict(f"scale {ps.scale} gave no stable weight within {ps.settle_timeout:g} s: put the "
                           "tote on the scale, check the scale is on, and scan again")
        return check_weight(measured, lines, ps.packaging_g, ps.tolerance)


def weight_text(verdict: WeightVerdict | None) -> str:
    if verdict is None:
        return "no scale at this station"
    return f"weighs {verdict.measured_g} g, expected {verdict.expected_g} g: OK"
