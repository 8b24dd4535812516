"""Putting back what a cancelled shipment had already taken from stock.

The units go from the tote (or the pack station, if packed) to a staging location as movements,
and a putaway task per SKU and lot tells somebody to take them back into a bin; the tote is free
for the next shipment at once. A move out of the staging location (the terminal's `putaway`)
closes those tasks as far as it goes.
"""

from __future__ import annotations

from edge.domain.events import StockMoved, TaskCreated
from edge.errors import NotFound
from edge.ledger.uow import Movement, UnitOfWork

PUT_BACK_TYPES = ("staging", "receiving")  # where returned stock waits, in order of preference


def put_back_area(uow: UnitOfWork) -> str:
    for kind in PUT_BACK_TYPES:
        areas = sorted(loc.code for loc in uow.locations.of_type(kind))
        if areas:
            return areas[0]
    raise NotFound("the warehouse has no staging or receiving location to put cancelled picks back through")


def _held_for(uow: UnitOfWork, shipment: dict) -> tuple[str | None, list[tuple[str, str, int]]]:
    """Where the shipment's units are, and which (sku, lot, qty) they are."""
    if shipment["status"] == "packed":
        return shipment["packed_at"], uow.movements.packed_for(shipment["id"])
    tote = shipment["tote"]
    if tote is None or uow.totes.shipment_of(tote) != shipment["id"]:
        return None, []
    return tote, [(sku, lot, on_hand) for sku, lot, on_hand, _ in uow.balances.in_location(tote)]


def put_back(uow: UnitOfWork, shipment: dict, why: str) -> dict:
    """Move the shipment's picked units to staging with a putaway task each; free its tote."""
    source, units = _held_for(uow, shipment)
    if source is not None and source == shipment["tote"]:
        uow.totes.bind(source, None)  # empty or not, the tote no longer holds the shipment
    if not units:
        return {"put_back": 0}
    area = put_back_area(uow)
    return {"put_back": put_back_units(uow, source, units, shipment, why, area), "put_back_at": area}


def put_back_units(uow: UnitOfWork, source: str, units: list[tuple[str, str, int]], shipment: dict, why: str,
                   area: str) -> int:
    """(sku, lot, qty) of the shipment's from `source` to the put-back `area`, a putaway task each."""
    total = 0
    for sku, lot, qty in units:
        uow.record(Movement("move", sku, qty, lot=lot, from_location=source, to_location=area,
                            order_ref=shipment["order_id"], shipment_ref=shipment["id"], reason=why))
        task_id = uow.tasks.create("putaway", uow.now, sku=sku, lot=lot, qty=qty, location=area,
                                   reason=f"put back {qty} x {sku}{' lot ' + lot if lot else ''} from {why}")
        uow.emit(StockMoved(sku, qty, source, area))
        uow.emit(TaskCreated(task_id, "putaway", area, sku, qty))
        total += qty
    return total


def close_put_backs(uow: UnitOfWork, location: str, sku: str, lot: str, qty: int) -> None:
    """`qty` units of (sku, lot) left `location`: count them against its open putaway tasks."""
    for task in uow.tasks.open_of_kind("putaway", location, sku, lot):
        if qty <= 0:
            break
        take = min(qty, task["qty"] - task["done_qty"])
        done = task["done_qty"] + take
        uow.tasks.update(task["id"], uow.now, done_qty=done, **({"state": "done"} if done == task["qty"] else {}))
        qty -= take
