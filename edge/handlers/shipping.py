"""Pack (tote -> pack station, for a shipment) and ship (out through a dock)."""

from __future__ import annotations

from edge.domain.commands import Pack, Ship
from edge.domain.events import ShipmentStatusChanged
from edge.errors import Conflict
from edge.handlers.labels import shipment_of_scan
from edge.ledger.uow import Movement, UnitOfWork


def _require_type(uow: UnitOfWork, code: str, kind: str, what: str) -> None:
    loc = uow.locations.get(code, what)
    if loc.type != kind:
        raise Conflict(f"{code} is a {loc.type} location, not a {what}")


def _set_status(uow: UnitOfWork, shipment: dict, status: str, **extra) -> None:
    uow.shipments.set(shipment["id"], uow.now, status=status, **extra)
    uow.emit(ShipmentStatusChanged(shipment["id"], shipment["order_id"], status))


def pack(cmd: Pack, uow: UnitOfWork) -> dict:
    shipment = uow.shipments.get(cmd.shipment_id)
    if shipment["status"] not in ("allocated", "picking"):
        raise Conflict(f"shipment {cmd.shipment_id} is {shipment['status']}: it cannot be packed")
    _require_type(uow, cmd.station, "pack_station", "pack station")
    holder = uow.totes.shipment_of(cmd.tote)
    if holder != cmd.shipment_id:
        raise Conflict(f"tote {cmd.tote} holds {holder or 'nothing'}, not shipment {cmd.shipment_id}")
    still_open = uow.tasks.open_for_shipment(cmd.shipment_id)
    if still_open:
        raise Conflict(f"shipment {cmd.shipment_id} still has {len(still_open)} pick task(s) open")
    units = 0
    for sku, lot, on_hand, _ in uow.balances.in_location(cmd.tote):
        uow.record(Movement("pack", sku, on_hand, lot=lot, from_location=cmd.tote,
                            to_location=cmd.station, order_ref=shipment["order_id"],
                            shipment_ref=cmd.shipment_id))
        uow.shipments.bump_line(cmd.shipment_id, sku, packed=on_hand)
        units += on_hand
    if not units:
        raise Conflict(f"tote {cmd.tote} is empty: nothing to pack")
    uow.totes.bind(cmd.tote, None)
    _set_status(uow, shipment, "packed", packed_at=cmd.station)
    return {"shipment_id": cmd.shipment_id, "units": units}


def ship(cmd: Ship, uow: UnitOfWork) -> dict:
    shipment = uow.shipments.get(shipment_of_scan(cmd.shipment_id, uow))  # its id or its label's SSCC
    shipment_id = shipment["id"]
    if shipment["status"] != "packed":
        raise Conflict(f"shipment {shipment_id} is {shipment['status']}: only packed shipments ship")
    _require_type(uow, cmd.dock, "dock", "dock")
    units = 0
    for sku, lot, qty in uow.movements.packed_for(shipment_id):
        uow.record(Movement("ship", sku, qty, lot=lot, from_location=shipment["packed_at"],
                            order_ref=shipment["order_id"], shipment_ref=shipment_id,
                            reason=f"dock {cmd.dock}"))
        uow.shipments.bump_line(shipment_id, sku, shipped=qty)
        units += qty
    _set_status(uow, shipment, "shipped")
    return {"shipment_id": shipment_id, "units": units}
