"""Conveyor scan point -> sorter: divert each scanned tote to its shipment's chute, and publish
and acknowledge the PLC's divert confirmations."""

from __future__ import annotations

import logging

from devices.modbus import ModbusError
from edge.hardware.chutes import route
from edge.hardware.config import ConveyorPoint
from edge.hardware.events import DivertConfirmed, DivertFailed, ToteDiverted
from edge.hardware.floor import Floor

log = logging.getLogger(__name__)


async def divert_tote(tote: str, point: ConveyorPoint, floor: Floor) -> None:
    info = await floor.queries.tote_route(tote)
    divert = route(tote, info, point.chutes)
    try:
        # Tote and chute in one request: the PLC latches the pair when the chute is written.
        await floor.modbus.write_many(point.sorter, {"divert_tote": tote, "divert_chute": divert.chute})
    except ModbusError as exc:
        log.warning("divert of tote %s at %s failed: %s", tote, point.scan_point, exc)
        floor.publish([DivertFailed(point.scan_point, point.sorter, tote, divert.chute, str(exc))])
        return
    floor.publish([ToteDiverted(point.scan_point, point.sorter, tote, info.shipment_id, divert.chute,
                                divert.reason)])


class Confirmations:
    """The head of a sorter's confirmation queue stays put until acknowledged, so each one is
    announced once and acknowledged until the PLC pops it (again after the sorter comes back)."""

    def __init__(self) -> None:
        self.announced: dict[str, int] = {}

    async def acknowledge(self, sorter: str, floor: Floor) -> None:
        seq = floor.modbus.value(sorter, "confirm_seq")
        if not seq:
            return
        if self.announced.get(sorter) != seq:
            self.announced[sorter] = seq
            floor.publish([DivertConfirmed(sorter, seq, floor.modbus.value(sorter, "confirm_tote") or "",
                                           floor.modbus.value(sorter, "confirm_chute") or 0)])
        try:
            await floor.modbus.write(sorter, "confirm_ack", seq)
        except ModbusError as exc:  # retried when the sorter is UP again
            log.warning("could not acknowledge divert %s on %s: %s", seq, sorter, exc)
