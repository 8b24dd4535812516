"""Put wall: the batch tote of a put-wall batch is scanned at the wall and its shipments take the
wall's free cubbies; then each item scanned lights the cubby whose shipment still needs it, with
the quantity, and the cubby's button confirms the put as a ledger movement tote -> cubby.

A button pressed on a dark cubby (the unit went into the wrong one) confirms nothing and says so.
The ledger decides every put (`edge.handlers.putwall`): a refused one is shown, nothing changes —
on the cubby's module too, lit red with 0 until its button is pressed to acknowledge it. A unit
of a shipment cancelled since the batch was picked lights nothing: the refusal names the
shipment and sends the unit to the put-back tote.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field

from devices.modbus import ModbusError
from edge.domain.batch_commands import AssignWall, ConfirmPut
from edge.domain.batches import PUT_BACK_TOTE, cancelled
from edge.hardware.config import PutWall, PutWallCell
from edge.hardware.events import PutConfirmed, PutRefused, PutShown
from edge.hardware.floor import Floor

log = logging.getLogger(__name__)
REFUSED_COLOR = 1  # red, in the put-to-light profile's colours


@dataclass(frozen=True)
class PendingPut:
    tote: str
    cubby: str
    shipment_id: str
    sku: str
    qty: int


@dataclass
class WallState:
    wall: PutWall
    tote: str | None = None  # the batch tote being sorted here
    batch_id: int | None = None
    lit: dict[str, PendingPut] = field(default_factory=dict)  # light -> what it shows
    warned: set[str] = field(default_factory=set)  # lights showing a refused put (red, 0)

    def cell_of(self, light: str) -> PutWallCell:
        return next(cell for cell in self.wall.cells if cell.light == light)


def _refuse(state: WallState, code: str, reason: str, floor: Floor) -> None:
    floor.publish([PutRefused(state.wall.scan_point, code, reason)])


async def on_wall_scan(code: str, state: WallState, floor: Floor) -> None:
    location = await floor.queries.location(code)
    if location is not None and location.type == "tote":
        await _start_tote(code, state, floor)
    else:
        await show_put(code, state, floor)


async def _start_tote(tote: str, state: WallState, floor: Floor) -> None:
    wall = state.wall.scan_point
    cubbies = tuple(cell.cubby for cell in state.wall.cells)
    # Assigning is idempotent in the ledger (a tote scanned again keeps its cubbies): a fresh key each scan.
    outcome = await floor.execute(AssignWall(f"wall:{wall}:{tote}:{uuid.uuid4().hex}", tote, wall, cubbies,
                                             device=wall))
    if not outcome.ok:
        _refuse(state, tote, outcome.message or "the ledger refused the tote", floor)
        return
    state.tote, state.batch_id = tote, outcome.result["batch_id"]
    state.lit.clear()


async def show_put(code: str, state: WallState, floor: Floor) -> None:
    wall = state.wall.scan_point
    if state.tote is None:
        _refuse(state, code, f"scan the batch tote at wall {wall} first, then its items", floor)
        return
    sku = await floor.queries.sku_of(code)
    if sku is None:
        _refuse(state, code, f"{code!r} is not in the catalog: scan the item barcode", floor)
        return
    found = await _cell_needing(sku, state, floor)
    if found is None:
        gone = await floor.queries.gone(state.batch_id, state.tote)
        why = (str(cancelled(gone.skus[sku], PUT_BACK_TOTE)) if sku in gone.skus else
               f"no cubby on wall {wall} needs {sku} from tote {state.tote}: set it aside for the supervisor")
        _refuse(state, code, why, floor)
        return
    cell, put = found
    try:
        await floor.modbus.write_many(cell.light, {"display_qty": put.qty, "color": state.wall.color})
        await floor.modbus.write(cell.light, "light", True)
    except ModbusError as exc:
        log.warning("put-to-light %s did not take the put: %s", cell.light, exc)
        _refuse(state, code, f"light {cell.light} did not answer ({exc}); scan again", floor)
        return
    state.lit[cell.light] = put
    state.warned.discard(cell.light)  # lit for this put now: its next press confirms it
    floor.publish([PutShown(wall, cell.light, put.tote, put.cubby, put.shipment_id, sku, put.qty)])


async def _cell_needing(sku: str, state: WallState, floor: Floor) -> tuple[PutWallCell, PendingPut] | None:
    cells = {cell.cubby: cell for cell in state.wall.cells}
    for need in await floor.queries.cubby_needs(state.batch_id, state.tote, sku):
        cell = cells.get(need.cubby)
        # One put at a time per cubby: its display shows one quantity.
        if cell is not None and cell.light not in state.lit and need.needed > 0:
            return cell, PendingPut(state.tote, need.cubby, need.shipment_id, sku, need.needed)
    return None


async def _show_refusal(light: str, state: WallState, floor: Floor) -> None:
    """The cubby's module says no: red, quantity 0, until its button acknowledges it."""
    try:
        await floor.modbus.write_many(light, {"display_qty": 0, "color": REFUSED_COLOR})
        await floor.modbus.write(light, "light", True)
    except ModbusError as exc:  # the refusal is on PUB and the handhelds all the same
        log.warning("put-to-light %s did not show the refusal: %s", light, exc)
        return
    state.warned.add(light)


async def confirm_put(light: str, state: WallState, floor: Floor) -> None:
    """The light's confirm count went up: the operator pressed the button of a cubby."""
    wall, cubby = state.wall.scan_point, state.cell_of(light).cubby
    if light in state.warned:  # the refusal it showed is acknowledged (the press turned it off)
        state.warned.discard(light)
        return
    put = state.lit.pop(light, None)
    if put is None:
        back = f" in tote {state.tote}" if state.tote else ""
        _refuse(state, cubby, f"nothing is lit at cubby {cubby}: take the unit out, put it back{back} and "
                              "scan it again", floor)
        await _show_refusal(light, state, floor)
        return
    qty = int(floor.modbus.value(light, "confirmed_qty") or 0)
    outcome = await floor.execute(ConfirmPut(f"put:{light}:{uuid.uuid4().hex}", put.tote, put.cubby, put.sku,
                                             qty, device=wall))
    if not outcome.ok:
        _refuse(state, put.sku, outcome.message or "the ledger refused the put", floor)
        await _show_refusal(light, state, floor)
        return
    floor.publish([PutConfirmed(wall, light, put.tote, put.cubby, put.shipment_id, put.sku, qty)])
    if outcome.result["batch_state"] == "done":  # the tote is empty: the wall waits for the next one
        state.tote = state.batch_id = None
