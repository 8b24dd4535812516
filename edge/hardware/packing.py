"""Pack station: a tote scan plus the scale's stable weight -> Pack, or an exception task.

The idempotency key is station + tote + shipment: a tote stays bound to its shipment until it is
packed, so a double scan gives the first answer again and never packs twice, while the same tote
reused for the next shipment gets a new key.
"""

from __future__ import annotations

import asyncio
import time

from devices.modbus import State
from edge.domain.commands import Command, Pack, ReportException
from edge.hardware.config import PackStation
from edge.hardware.events import PackBlocked, WeightChecked
from edge.hardware.floor import Floor
from edge.hardware.weighing import check_weight


async def check_and_pack(tote: str, scanned_at: float, station: PackStation, floor: Floor) -> None:
    info = await floor.queries.tote_route(tote)
    lines = await floor.queries.tote_lines(tote) if info.shipment_id else []
    if not lines:
        why = "is not a tote of this warehouse" if not info.known else "holds nothing to pack"
        floor.publish([PackBlocked(station.station, tote, f"{tote!r} {why}: scan the tote label")])
        return
    measured = await stable_weight_g(floor, station, scanned_at)
    if measured is None:
        floor.publish([PackBlocked(station.station, tote, f"scale {station.scale} gave no stable weight "
                                   f"within {station.settle_timeout:g} s: put the tote on the scale, check "
                                   "the scale is on, and scan again")])
        return
    verdict = check_weight(measured, lines, station.packaging_g, station.tolerance)
    shipment = info.shipment_id
    floor.publish([WeightChecked(station.station, tote, shipment, measured, verdict.expected_g,
                                 verdict.allowed_g, verdict.passed, verdict.reason)])
    key = f"{station.station}:{tote}:{shipment}"
    cmd: Command = (Pack(f"pack:{key}", tote, shipment, station.station, device=station.scan_point)
                    if verdict.passed else
                    ReportException(f"weight:{key}", station.station, verdict.reason[:128], tote, shipment,
                                    device=station.scan_point))
    outcome = await floor.execute(cmd)
    # A mismatch on the exception key: this tote's weight exception is already reported.
    if not outcome.ok and outcome.error != "idempotency_mismatch":
        floor.publish([PackBlocked(station.station, tote, outcome.message or "the ledger refused it")])


async def stable_weight_g(floor: Floor, station: PackStation, since: float, step: float = 0.05) -> int | None:
    """The scale's weight in grams once it is stable, loaded, and read after `since` (wall clock);
    None if that does not happen within the station's settle timeout."""
    deadline = time.monotonic() + station.settle_timeout
    while True:
        health = floor.modbus.health()[station.scale]
        kg = floor.modbus.value(station.scale, "weight")
        fresh = health.state is not State.DOWN and health.last_ok is not None and health.last_ok >= since
        if fresh and kg is not None and floor.modbus.value(station.scale, "stable"):
            grams = round(kg * 1000)
            if grams >= station.min_load_g:
                return grams
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(step)
