"""Picking: hand out the next task along the walking path, confirm picks into a tote, record shorts."""

from __future__ import annotations

from edge.domain.commands import ConfirmPick, NextTask, ShortPick
from edge.domain.events import PickConfirmed, ShipmentStatusChanged, ShortageRecorded, TaskAssigned
from edge.errors import Conflict, InvalidCommand
from edge.handlers.outbound import allocate_line
from edge.handlers.replenishment import after_pick
from edge.ledger.batch_store import BatchStore
from edge.ledger.uow import Movement, UnitOfWork

TASK_VIEW = ("id", "shipment_id", "sku", "lot", "qty", "done_qty", "location", "tote")


def _view(task) -> dict:
    return {k: task[k] for k in TASK_VIEW}


def next_task(cmd: NextTask, uow: UnitOfWork) -> dict:
    current = uow.tasks.current_for(cmd.operator)
    if current:
        return {"task": _view(current)}
    first = BatchStore(uow).next_released_task()  # a shipment in a wave not yet released waits
    if first is None:
        return {"task": None}
    # Discrete order picking: the picker takes the whole shipment, one tote, along the path.
    shipment_id = first["shipment_id"]
    for task in uow.tasks.open_for_shipment(shipment_id):
        if task["assignee"] is None:
            uow.tasks.update(task["id"], uow.now, state="assigned", assignee=cmd.operator)
            uow.emit(TaskAssigned(task["id"], cmd.operator))
    shipment = uow.shipments.get(shipment_id)
    if shipment["status"] == "allocated":
        uow.shipments.set(shipment_id, uow.now, status="picking")
        uow.emit(ShipmentStatusChanged(shipment_id, shipment["order_id"], "picking"))
    return {"task": _view(uow.tasks.current_for(cmd.operator))}


def _open_task(uow: UnitOfWork, task_id: int, location: str, operator: str | None):
    task = uow.tasks.get(task_id)
    if task["kind"] != "pick":
        raise Conflict(f"task {task_id} is a {task['kind']} task, not a pick")
    if task["state"] not in ("open", "assigned"):
        raise Conflict(f"task {task_id} is already {task['state']}")
    if task["assignee"] and operator and task["assignee"] != operator:
        raise Conflict(f"task {task_id} belongs to {task['assignee']}")
    uow.locations.get(location)
    if location != task["location"]:
        raise Conflict(f"wrong bin: you scanned {location}, the task is at {task['location']}")
    return task


def _bind_tote(uow: UnitOfWork, tote: str, shipment_id: str) -> None:
    if uow.locations.get(tote, "tote").type != "tote":
        raise InvalidCommand(f"{tote} is a location, not a tote: scan the tote label")
    holder = uow.totes.shipment_of(tote)
    if holder is None:
        uow.totes.bind(tote, shipment_id)
        uow.shipments.set(shipment_id, uow.now, tote=tote)
    elif holder != shipment_id:
        raise Conflict(f"tote {tote} already holds shipment {holder}: take an empty tote")


def _pick(uow: UnitOfWork, task, qty: int, tote: str) -> int:
    # An open task that already names this tote had it bound by its first pick; packing (the only
    # unbinding) needs every task closed, so the binding still holds.
    if task["tote"] != tote:
        _bind_tote(uow, tote, task["shipment_id"])
    seq = uow.record(Movement(
        "pick", task["sku"], qty, lot=task["lot"], from_location=task["location"], to_location=tote,
        shipment_ref=task["shipment_id"], task_ref=task["id"], unallocate=qty,
    ))
    uow.shipments.bump_line(task["shipment_id"], task["sku"], picked=qty)
    uow.emit(PickConfirmed(task["id"], task["shipment_id"], task["sku"], qty, tote, uow.command.operator))
    return seq


def confirm_pick(cmd: ConfirmPick, uow: UnitOfWork) -> dict:
    task = _open_task(uow, cmd.task_id, cmd.location, cmd.operator)
    sku = task["sku"] if cmd.item == task["sku"] else uow.catalog.resolve(cmd.item)
    if sku != task["sku"]:
        raise Conflict(f"wrong item: you scanned {sku}, the task is for {task['sku']}")
    remaining = task["qty"] - task["done_qty"]
    if cmd.qty > remaining:
        raise Conflict(f"over-pick: task {task['id']} needs {remaining} more, not {cmd.qty}")
    seq = _pick(uow, task, cmd.qty, cmd.tote)
    after_pick(uow, task["sku"], task["location"])
    done = task["done_qty"] + cmd.qty
    if done == task["qty"]:
        uow.tasks.update(task["id"], uow.now, done_qty=done, tote=cmd.tote, state="done")
    else:
        # `state` is indexed: leave it out of the update when it does not change.
        uow.tasks.update(task["id"], uow.now, done_qty=done, tote=cmd.tote)
    return {"seq": seq, "task_id": task["id"], "remaining": remaining - cmd.qty}


def short_pick(cmd: ShortPick, uow: UnitOfWork) -> dict:
    task = _open_task(uow, cmd.task_id, cmd.location, cmd.operator)
    remaining = task["qty"] - task["done_qty"]
    if cmd.found_qty >= remaining:
        raise InvalidCommand(f"{cmd.found_qty} found covers the {remaining} needed: confirm the pick instead")
    if cmd.found_qty:
        if not cmd.tote:
            raise InvalidCommand("scan the tote the found units go into")
        _pick(uow, task, cmd.found_qty, cmd.tote)
    missing = remaining - cmd.found_qty
    uow.balances.change(task["sku"], task["location"], task["lot"], 0, -missing)
    uow.tasks.update(task["id"], uow.now, qty=task["done_qty"] + cmd.found_qty,
                     done_qty=task["done_qty"] + cmd.found_qty, state="short")
    # The bin is blocked for allocation until somebody counts it.
    uow.tasks.create("count", uow.now, sku=task["sku"], lot=task["lot"], location=task["location"])
    again = allocate_line(uow, task["shipment_id"], task["sku"], missing,
                          exclude=frozenset({task["location"]}), assignee=task["assignee"], refill="urgent")
    line_short = missing - again
    uow.shipments.bump_line(task["shipment_id"], task["sku"], allocated=-missing, short=line_short)
    uow.emit(ShortageRecorded(task["shipment_id"], task["sku"], task["location"], missing, again, line_short))
    return {"missing": missing, "reallocated": again, "line_short": line_short}
