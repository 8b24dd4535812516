"""Put wall: an item scanned at the wall lights the cubby whose shipment still needs it, with
the quantity; the cubby's button confirms the put.

Each cell is a put_to_light module over a cubby holding a tote; the tote's shipment (its ledger
binding) is what the cubby collects. Confirmed puts are events only: the ledger loads totes by
picking alone, so a put records no stock movement. The wall counts what it confirmed per
shipment and SKU while the node runs, so a second scan shows only what is still missing.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field

from devices.modbus import ModbusError
from edge.hardware.chutes import DEAD_STATUSES
from edge.hardware.config import PutWall, PutWallCell
from edge.hardware.events import PutConfirmed, PutRefused, PutShown
from edge.hardware.floor import Floor

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PendingPut:
    tote: str
    shipment_id: str
    sku: str
    qty: int


@dataclass
class WallState:
    wall: PutWall
    lit: dict[str, PendingPut] = field(default_factory=dict)  # light -> what it shows
    confirmed: Counter = field(default_factory=Counter)  # (shipment, sku) -> units put


async def show_put(code: str, state: WallState, floor: Floor) -> None:
    wall = state.wall.scan_point
    sku = await floor.queries.sku_of(code)
    if sku is None:
        floor.publish([PutRefused(wall, code, f"{code!r} is not in the catalog: scan the item barcode")])
        return
    found = await _cell_needing(sku, state, floor)
    if found is None:
        floor.publish([PutRefused(wall, code, f"no cubby on wall {wall} needs {sku}: set it aside for "
                                              "the supervisor")])
        return
    cell, put = found
    try:
        await floor.modbus.write_many(cell.light, {"display_qty": put.qty, "color": state.wall.color})
        await floor.modbus.write(cell.light, "light", True)
    except ModbusError as exc:
        log.warning("put-to-light %s did not take the put: %s", cell.light, exc)
        floor.publish([PutRefused(wall, code, f"light {cell.light} did not answer ({exc}); scan again")])
        return
    state.lit[cell.light] = put
    floor.publish([PutShown(wall, cell.light, put.tote, put.shipment_id, sku, put.qty)])


async def _cell_needing(sku: str, state: WallState, floor: Floor) -> tuple[PutWallCell, PendingPut] | None:
    for cell in state.wall.cells:
        if cell.light in state.lit:  # one put at a time per cubby: its display shows one quantity
            continue
        info = await floor.queries.tote_route(cell.tote)
        if info.shipment_id is None or info.status in DEAD_STATUSES:
            continue
        needed = await floor.queries.still_needed(info.shipment_id, sku)
        needed -= state.confirmed[(info.shipment_id, sku)]
        if needed > 0:
            return cell, PendingPut(cell.tote, info.shipment_id, sku, needed)
    return None


def confirm_put(light: str, state: WallState, floor: Floor) -> None:
    """The light's confirm count went up: the operator pressed the button of a lit cubby."""
    put = state.lit.pop(light, None)
    if put is None:
        return  # a press on a dark light confirms nothing
    qty = int(floor.modbus.value(light, "confirmed_qty") or 0)
    state.confirmed[(put.shipment_id, put.sku)] += qty
    floor.publish([PutConfirmed(state.wall.scan_point, light, put.tote, put.shipment_id, put.sku, qty)])
