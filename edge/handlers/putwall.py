"""The put wall in the ledger: the batch tote's shipments take the wall's free cubbies, and each
confirmed put is a movement tote -> cubby for that shipment. A cubby is then packed like a tote."""

from __future__ import annotations

from edge.domain.batch_commands import AssignWall, ConfirmPut
from edge.domain.batch_events import CubbiesAssigned, UnitsPut
from edge.domain.batches import assign_cubbies, check_put
from edge.errors import Conflict
from edge.handlers.batch_settle import settle
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import Movement, UnitOfWork


def _cubby(uow: UnitOfWork, code: str) -> None:
    if uow.locations.get(code, "cubby").type != "put_wall":
        raise Conflict(f"{code} is not a put-wall cubby: scan the cubby's label")
    # A cubby holds a shipment the way a tote does: pack and the tote views find it the same way.
    uow.conn.cursor().execute("INSERT OR IGNORE INTO totes(code) VALUES (?)", (code,))


def assign_wall(cmd: AssignWall, uow: UnitOfWork) -> dict:
    store = BatchStore(uow)
    batch = store.at_wall(cmd.tote)
    members = store.shipments(batch["id"])
    if all(cubby for _, _, cubby in members):  # the tote scanned at the wall again
        return {"batch_id": batch["id"], "cubbies": {s: c for s, _, c in members}}
    free = []
    for code in cmd.cubbies:
        _cubby(uow, code)
        if uow.totes.shipment_of(code) is None:
            free.append(code)
    waiting = [s for s, _, cubby in members if cubby is None]
    cubbies = assign_cubbies(waiting, free, cmd.wall)
    for shipment_id, cubby in cubbies.items():
        uow.totes.bind(cubby, shipment_id)
        uow.shipments.set(shipment_id, uow.now, tote=cubby)
        store.set_cubby(batch["id"], shipment_id, cubby)
    uow.emit(CubbiesAssigned(batch["id"], cmd.wall, cubbies))
    return {"batch_id": batch["id"], "cubbies": {s: c or cubbies.get(s) for s, _, c in members}}


def confirm_put(cmd: ConfirmPut, uow: UnitOfWork) -> dict:
    store = BatchStore(uow)
    batch = store.at_wall(cmd.tote)
    sku = uow.catalog.resolve(cmd.item)
    _cubby(uow, cmd.cubby)
    need = check_put(sku, cmd.cubby, cmd.qty, store.needs(batch, sku), batch["id"], store.gone(batch))
    left, seq = cmd.qty, None
    for lot, on_hand, _ in uow.balances.lots_at(sku, cmd.tote):
        take = min(left, on_hand)
        seq = uow.record(Movement("move", sku, take, lot=lot, from_location=cmd.tote, to_location=cmd.cubby,
                                  shipment_ref=need.shipment_id, reason=f"put wall, batch {batch['id']}"))
        left -= take
        if not left:
            break
    if left:
        raise Conflict(f"tote {cmd.tote} holds {cmd.qty - left} {sku}, not {cmd.qty}: count the tote")
    store.add_put(batch["id"], need.shipment_id, sku, cmd.qty)
    uow.emit(UnitsPut(batch["id"], cmd.tote, cmd.cubby, need.shipment_id, sku, cmd.qty, cmd.operator))
    state = settle(uow, batch)
    return {"seq": seq, "batch_id": batch["id"], "shipment_id": need.shipment_id, "cubby": cmd.cubby,
            "remaining": need.needed - cmd.qty, "batch_state": state}

