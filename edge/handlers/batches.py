"""Batch and cluster picking: take a batch of small shipments, walk the path once over all their
lines, and confirm every unit into the right tote. Each confirm is the pick movement of today
(`picking.confirm_pick`), so sync, central and verify see nothing new."""

from __future__ import annotations

from edge.domain.batch_commands import BatchPick, BatchShort, StartBatch
from edge.domain.batch_events import BatchStarted
from edge.domain.batches import cancelled, pair_totes, wrong_tote
from edge.domain.events import ShipmentStatusChanged, TaskAssigned
from edge.errors import Conflict, InvalidCommand
from edge.handlers import picking
from edge.handlers.batch_settle import settle
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import UnitOfWork


def batch_marker(batch_id: int) -> str:
    """What a put-wall batch tote is bound to instead of one shipment (pack refuses it by this name)."""
    return f"BATCH-{batch_id}"


def _check_free_tote(uow: UnitOfWork, tote: str) -> None:
    if uow.locations.get(tote, "tote").type != "tote":
        raise InvalidCommand(f"{tote} is a location, not a tote: scan the tote label")
    holder = uow.totes.shipment_of(tote)
    if holder is not None:
        raise Conflict(f"tote {tote} already holds {holder}: take an empty tote")


def _take_shipment(uow: UnitOfWork, shipment_id: str, tote: str) -> None:
    """Every open line of the shipment goes to the picker, into its tote in the batch."""
    operator = uow.command.operator
    for task in uow.tasks.open_for_shipment(shipment_id):
        uow.tasks.update(task["id"], uow.now, state="assigned", assignee=operator, tote=tote)
        uow.emit(TaskAssigned(task["id"], operator))
    shipment = uow.shipments.get(shipment_id)
    uow.shipments.set(shipment_id, uow.now, status="picking")
    uow.emit(ShipmentStatusChanged(shipment_id, shipment["order_id"], "picking"))


def start_batch(cmd: StartBatch, uow: UnitOfWork) -> dict:
    store = BatchStore(uow)
    if (live := store.live_of(cmd.operator)) is not None:
        raise Conflict(f"you are picking batch {live}: finish it before taking another")
    if (current := uow.tasks.current_for(cmd.operator)) is not None:
        raise Conflict(f"you have task {current['id']} of shipment {current['shipment_id']} open: finish it first")
    for tote in cmd.totes or (cmd.tote,):
        _check_free_tote(uow, tote)
    shipments = store.candidates(len(cmd.totes) or cmd.size, cmd.max_units)
    if not shipments:
        raise Conflict(f"no released shipment of at most {cmd.max_units} units is waiting: pick single orders")
    batch_id = store.create(cmd.mode, cmd.operator, cmd.tote)
    if cmd.mode == "cluster":
        totes = pair_totes(shipments, cmd.totes)
        for shipment_id, tote in totes.items():
            picking._bind_tote(uow, tote, shipment_id)
    else:
        totes = dict.fromkeys(shipments, cmd.tote)
        uow.totes.bind(cmd.tote, batch_marker(batch_id))
    for shipment_id, tote in totes.items():
        store.add(batch_id, shipment_id, tote if cmd.mode == "cluster" else None)
        _take_shipment(uow, shipment_id, tote)
    uow.emit(BatchStarted(batch_id, cmd.mode, cmd.operator, totes))
    first = uow.tasks.current_for(cmd.operator)
    return {"batch_id": batch_id, "mode": cmd.mode, "totes": totes,
            "unused_totes": [t for t in cmd.totes if t not in totes.values()],
            "task": first and {k: first[k] for k in picking.TASK_VIEW}}


def _batch_of_task(uow: UnitOfWork, task_id: int, location: str) -> tuple[dict, dict, str]:
    task = uow.tasks.get(task_id)
    found = BatchStore(uow).of_shipment(task["shipment_id"]) if task["shipment_id"] else None
    if found is not None and uow.shipments.get(task["shipment_id"])["status"] == "cancelled":
        # The refused scan changed nothing: the unit is still the bin's, so it goes back there.
        raise cancelled(task["shipment_id"], f"put the item back in {location}"
                        + _tote_note(uow, found[1], task["shipment_id"]))
    if found is None or found[0]["state"] != "picking":
        raise Conflict(f"task {task_id} is not in a batch being picked: confirm it as a single pick")
    batch, own_tote = found
    return task, batch, own_tote or batch["tote"]


def _tote_note(uow: UnitOfWork, tote: str | None, shipment_id: str) -> str:
    """Where the cancelled shipment's tote on the cart goes, if its units went to put-back."""
    area = BatchStore(uow).put_back_at(tote, shipment_id) if tote else None
    return f"; tote {tote} is a put-back tote now: leave it at {area}" if area else ""


def batch_pick(cmd: BatchPick, uow: UnitOfWork) -> dict:
    task, batch, tote = _batch_of_task(uow, cmd.task_id, cmd.location)
    if cmd.tote != tote:
        raise wrong_tote(tote, task["shipment_id"], cmd.tote)
    result = picking.confirm_pick(cmd, uow)
    return {**result, "batch_id": batch["id"], "batch_state": settle(uow, batch)}


def batch_short(cmd: BatchShort, uow: UnitOfWork) -> dict:
    task, batch, tote = _batch_of_task(uow, cmd.task_id, cmd.location)
    if cmd.found_qty and cmd.tote != tote:
        raise wrong_tote(tote, task["shipment_id"], cmd.tote or "no tote")
    result = picking.short_pick(cmd, uow)
    for again in uow.tasks.open_for_shipment(task["shipment_id"]):  # re-allocated lines: same tote
        if again["tote"] is None:
            uow.tasks.update(again["id"], uow.now, tote=tote)
    return {**result, "batch_id": batch["id"], "batch_state": settle(uow, batch)}
