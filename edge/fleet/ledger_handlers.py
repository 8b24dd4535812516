"""Transport tasks in the ledger. Stock on a pallet moves source -> the vehicle's `robot`
location when the vehicle picks it, and on to the destination when it drops it: the ledger
accounts for it at every moment, and `sklad-edge verify` holds throughout."""

from __future__ import annotations

from edge.errors import Conflict, NotFound
from edge.fleet.commands import CreateTransport, TransportStep
from edge.fleet.tasks import next_state, robot_location
from edge.ledger.uow import Movement, UnitOfWork

FIELDS = ("id", "kind", "state", "load", "source", "destination", "sku", "lot", "qty", "vehicle", "robot_location")


def create_transport(cmd: CreateTransport, uow: UnitOfWork) -> dict:
    for code in (cmd.source, cmd.destination):
        uow.locations.get(code)
    lot = cmd.lot or ""
    if cmd.sku is not None:
        sku = uow.catalog.resolve(cmd.sku)
        on_hand, allocated = uow.balances.get(sku, cmd.source, lot)
        if on_hand - allocated < cmd.qty:
            raise Conflict(f"{cmd.source} has {on_hand - allocated} free units of {sku}, cannot send {cmd.qty}")
    else:
        sku = None
    cur = uow.conn.cursor()
    cur.execute("INSERT INTO transport_tasks(kind, state, load, load_type, source, destination, sku, lot, qty, "
                "last_known, created_by, created_at, updated_at) VALUES (?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (cmd.kind, cmd.load, cmd.load_type, cmd.source, cmd.destination, sku, lot, cmd.qty, cmd.source,
                 cmd.operator, uow.now, uow.now))
    return {"transport_id": uow.conn.last_insert_rowid(), "state": "open"}


def _task(uow: UnitOfWork, task_id: int) -> dict:
    row = uow.conn.cursor().execute(f"SELECT {', '.join(FIELDS)} FROM transport_tasks WHERE id = ?",
                                    (task_id,)).fetchone()
    if row is None:
        raise NotFound(f"transport task {task_id} does not exist")
    return dict(zip(FIELDS, row, strict=True))


def transport_step(cmd: TransportStep, uow: UnitOfWork) -> dict:
    task = _task(uow, cmd.transport_id)
    state = next_state(task["state"], cmd.trigger)
    vehicle = cmd.vehicle or task["vehicle"]
    robot = task["robot_location"]
    seq = None
    if cmd.trigger == "assign":
        if not vehicle:
            raise Conflict(f"transport task {task['id']}: assign names no vehicle")
        robot = robot_location(vehicle)
        uow.locations.get(robot, "vehicle location")
    elif cmd.trigger == "picked" and task["sku"]:
        seq = uow.record(Movement("move", task["sku"], task["qty"], lot=task["lot"], from_location=task["source"],
                                  to_location=robot, task_ref=task["id"], reason="transport"))
    elif cmd.trigger == "dropped" and task["sku"]:
        seq = uow.record(Movement("move", task["sku"], task["qty"], lot=task["lot"], from_location=robot,
                                  to_location=task["destination"], task_ref=task["id"], reason="transport"))
    uow.conn.cursor().execute(
        "UPDATE transport_tasks SET state = ?, vehicle = ?, robot_location = ?, last_known = COALESCE(?, last_known), "
        "note = COALESCE(?, note), attempts = attempts + ?, updated_at = ? WHERE id = ?",
        (state, None if state == "open" else vehicle, None if state == "open" else robot, cmd.place, cmd.note,
         1 if cmd.trigger == "assign" else 0, uow.now, task["id"]))
    return {"transport_id": task["id"], "state": state, "seq": seq}


HANDLERS = {CreateTransport: create_transport, TransportStep: transport_step}
