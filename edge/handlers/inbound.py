"""Receiving, putaway moves and catalog updates."""

from __future__ import annotations

from edge.domain.commands import Move, Receive, UpsertSku
from edge.domain.events import StockMoved, StockReceived
from edge.domain.model import STORAGE_TYPES
from edge.errors import Conflict, InvalidCommand
from edge.handlers.putback import PUT_BACK_TYPES, close_put_backs
from edge.ledger.uow import Movement, UnitOfWork


def upsert_sku(cmd: UpsertSku, uow: UnitOfWork) -> dict:
    uow.catalog.upsert(cmd.sku, cmd.name, cmd.gtins, cmd.unit_weight_g, cmd.lot_tracked, uow.now)
    return {"sku": cmd.sku}


def _lot_for(uow: UnitOfWork, sku: str, lot: str | None, expiry) -> str:
    if uow.catalog.lot_tracked(sku):
        if not lot:
            raise InvalidCommand(f"SKU {sku} is lot-tracked: scan or enter the lot number")
        uow.catalog.record_lot(sku, lot, expiry)
        return lot
    if lot or expiry:
        raise InvalidCommand(f"SKU {sku} is not lot-tracked: do not give a lot or expiry")
    return ""


def _check_room(uow: UnitOfWork, location: str, qty: int) -> None:
    loc = uow.locations.get(location)
    if loc.type in STORAGE_TYPES and loc.capacity:
        held = sum(on_hand for _, _, on_hand, _ in uow.balances.in_location(location))
        if held + qty > loc.capacity:
            raise Conflict(
                f"bin {location} holds {held} of {loc.capacity} units: no room for {qty} more"
            )


def receive(cmd: Receive, uow: UnitOfWork) -> dict:
    sku = uow.catalog.resolve(cmd.sku)
    loc = uow.locations.get(cmd.location)
    if loc.type != "receiving":
        raise Conflict(f"{cmd.location} is a {loc.type} location: receive into a receiving door")
    lot = _lot_for(uow, sku, cmd.lot, cmd.expiry)
    seq = uow.record(Movement("receive", sku, cmd.qty, lot=lot, to_location=cmd.location))
    expected = uow.sync_state.receive_expected(sku, cmd.qty)
    uow.emit(StockReceived(sku, cmd.qty, cmd.location, lot))
    return {"seq": seq, "sku": sku, "lot": lot, "against_asn": expected}


def move(cmd: Move, uow: UnitOfWork) -> dict:
    sku = uow.catalog.resolve(cmd.sku)
    src, dst = uow.locations.get(cmd.from_location), uow.locations.get(cmd.to_location)
    if src.code == dst.code:
        raise InvalidCommand(f"from and to are the same location {src.code}")
    if dst.type in ("tote", "robot") or src.type in ("tote", "robot"):
        raise Conflict("totes and robots are loaded by picking, not by a move")
    lot = cmd.lot or ""
    on_hand, allocated = uow.balances.get(sku, src.code, lot)
    if on_hand - allocated < cmd.qty:
        raise Conflict(
            f"{src.code} has {on_hand - allocated} free units of {sku}{' lot ' + lot if lot else ''}, "
            f"cannot move {cmd.qty}"
        )
    _check_room(uow, dst.code, cmd.qty)
    seq = uow.record(Movement("move", sku, cmd.qty, lot=lot, from_location=src.code, to_location=dst.code))
    if src.type in PUT_BACK_TYPES:
        close_put_backs(uow, src.code, sku, lot, cmd.qty)
    uow.emit(StockMoved(sku, cmd.qty, src.code, dst.code))
    return {"seq": seq}
