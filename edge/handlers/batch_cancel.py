"""A shipment cancelled while it is in a batch: it leaves the batch, and what was picked for it
goes back to stock through the put-back area (edge/handlers/putback.py) — never lost, never
counted twice.

Cluster: its own tote on the cart is emptied into put-back like a single order's tote.
Put wall: its cubby likewise; and its share of the batch tote (picked into it, not yet put) is
booked out of the tote to put-back, so the wall never lights a cubby for it again and the tote
can still empty. The batch then goes on with the others (or is cancelled when none are left).
"""

from __future__ import annotations

from edge.domain.batch_events import BatchShipmentCancelled
from edge.handlers.batch_settle import settle
from edge.handlers.putback import put_back_area, put_back_units
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import UnitOfWork


def _tote_share(uow: UnitOfWork, store: BatchStore, batch: dict, shipment: dict) -> list[tuple[str, str, int]]:
    """(sku, lot, qty) to take out of the batch tote for the shipment, lots as the tote holds them."""
    units = []
    for sku, qty in store.tote_share(batch, shipment["id"]):
        for lot, on_hand, _ in uow.balances.lots_at(sku, batch["tote"]):
            take = min(qty, on_hand)
            units.append((sku, lot, take))
            qty -= take
            if not qty:
                break
    return units


def leave_batch(uow: UnitOfWork, shipment: dict, why: str, put_back: dict) -> dict:
    """After the cancel put the shipment's own tote or cubby back (`put_back`): take it out of its batch."""
    store = BatchStore(uow)
    found = store.of_shipment(shipment["id"])
    if found is None:
        return {}
    batch, tote = found
    total, area = put_back.get("put_back", 0), put_back.get("put_back_at")
    if batch["mode"] == "put_wall" and (units := _tote_share(uow, store, batch, shipment)):
        area = area or put_back_area(uow)
        total += put_back_units(uow, batch["tote"], units, shipment, why, area)
    cubby = next((c for s, _, c in store.shipments(batch["id"], live=False) if s == shipment["id"]), None)
    state = settle(uow, batch)
    uow.emit(BatchShipmentCancelled(batch["id"], shipment["id"], tote, cubby, total, area, state))
    return {"batch_id": batch["id"], "batch_state": state, "put_back": total, "put_back_at": area}
