"""Where a batch stands after anything that may finish it: a pick, a short, a put, a cancel.

One place decides, through the batch transition table: no live shipment left -> cancelled; no
open pick -> picks closed (cluster: done; put wall: to the wall, or done if the tote is empty);
an empty tote at the wall -> done. A put-wall tote is free again once its batch is closed.
"""

from __future__ import annotations

from edge.domain.batch_events import BatchStateChanged
from edge.domain.batches import CLOSED, next_state, picks_closed_trigger
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import UnitOfWork


def _trigger(uow: UnitOfWork, store: BatchStore, batch: dict) -> str | None:
    if not store.live_members(batch["id"]):
        return "all_cancelled"
    if batch["state"] == "picking" and not store.open_picks(batch["id"]):
        return picks_closed_trigger(batch["mode"])
    if batch["state"] == "putting" and not uow.balances.in_location(batch["tote"]):
        return "tote_emptied"
    return None


def settle(uow: UnitOfWork, batch: dict) -> str:
    """The batch's state after the change just made (moved on as far as it goes, and published)."""
    store = BatchStore(uow)
    state = batch["state"]
    while (trigger := _trigger(uow, store, {**batch, "state": state})) is not None:
        state = next_state(state, trigger)
        if state in CLOSED:
            break
    if state == batch["state"]:
        return state
    if state in CLOSED and batch["mode"] == "put_wall" and not uow.balances.in_location(batch["tote"]):
        uow.totes.bind(batch["tote"], None)
    store.set_state(batch["id"], state)
    uow.emit(BatchStateChanged(batch["id"], batch["mode"], state))
    return state
