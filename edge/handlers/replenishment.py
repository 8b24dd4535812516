"""Replenishment: reserve -> pick face, as tasks a person (or a vehicle) carries out.

Triggers: a pick that drops a face below its min (`min`), an allocation that had to reach into
reserve because the faces were short (`demand`, ahead of the picks), a short pick while reserve
still holds the SKU (`urgent`), and a supervisor's request (`manual`). The reserve units a task
will carry are allocated at their bin when the task is created, so no pick takes them meanwhile.
"""

from __future__ import annotations

from datetime import date, timedelta

from edge.domain.model import Location
from edge.domain.replenish_commands import (
    ConfirmReplenishment,
    HandToFleet,
    NextReplenishment,
    ReplenishmentDone,
    ReplenishmentRequested,
    RequestReplenishment,
    RulesFromVelocity,
)
from edge.domain.replenishment import choose_face, plan_sources, refill_qty, rule_for, velocity_rule
from edge.errors import Conflict
from edge.fleet.commands import CreateTransport
from edge.fleet.ledger_handlers import create_transport
from edge.handlers import outbound
from edge.ledger.replenish_store import RULES_CACHE, ReplenishStore
from edge.ledger.uow import Movement, UnitOfWork

TASK_VIEW = ("id", "sku", "lot", "qty", "done_qty", "location", "state", "assignee")


def _refuse_other_sku(store: ReplenishStore, face: Location, sku: str) -> None:
    if face.type != "pick_face":
        raise Conflict(f"{face.code} is a {face.type} location, not a pick face: replenish a pick face")
    others = store.other_skus_on(face.code, sku)
    if others:
        raise Conflict(f"pick face {face.code} holds {', '.join(others)}, not {sku}: choose a face of {sku} "
                       "or an empty one")


def replenish(uow: UnitOfWork, sku: str, face: Location | None, trigger: str, need: int = 0,
              qty: int | None = None, exclude: frozenset[str] = frozenset()) -> list[int]:
    """Create the replenish tasks `trigger` calls for; returns their ids (none when not needed)."""
    store = ReplenishStore(uow)
    reserve = store.reserve(sku)
    if not reserve:
        return []
    if face is None:
        face = choose_face(sku, store.faces_of(sku, exclude), [f for f in store.empty_faces()
                                                              if f.code not in exclude], reserve[0].location)
        if face is None:
            return []
    elif store.other_skus_on(face.code, sku):
        return []  # a face another SKU moved into: the automatic trigger leaves it alone
    level = store.level(sku, face)
    wanted = min(qty, level.room) if qty else refill_qty(level, rule_for(sku, face.zone, store.rules()), trigger, need)
    if wanted <= 0:
        return []
    today = date.fromisoformat(uow.now[:10])
    rank = outbound.walk_rank(uow)
    created = []
    for stock, take in plan_sources(wanted, reserve, face, uow.catalog.lot_tracked(sku), today):
        source = stock.location.code
        uow.balances.change(sku, source, stock.lot, 0, take)
        task_id = uow.tasks.create("replenish", uow.now, sku=sku, lot=stock.lot, qty=take, location=source,
                                   path_seq=rank.get(source, 0), reason=f"{trigger}: {source} -> {face.code}")
        store.add(task_id, face.code, trigger)
        uow.emit(ReplenishmentRequested(task_id, sku, take, source, face.code, trigger))
        created.append(task_id)
    return created


def after_pick(uow: UnitOfWork, sku: str, location: str) -> None:
    """A pick left `location`: refill it if that took a pick face below its min. Runs on every
    pick, so the cheap questions (a rule? below min?) come before the reserve is searched."""
    face = uow.locations.get(location)
    rules = uow.caches.get(RULES_CACHE)
    if face.type != "pick_face" or rules == {}:  # a warehouse without rules pays nothing per pick
        return
    store = ReplenishStore(uow)
    rule = rule_for(sku, face.zone, store.rules())
    if rule and store.level(sku, face).level < rule.min_qty:
        replenish(uow, sku, face, "min")


def request_replenishment(cmd: RequestReplenishment, uow: UnitOfWork) -> dict:
    sku = uow.catalog.resolve(cmd.sku)
    face = uow.locations.get(cmd.to_location, "pick face")
    store = ReplenishStore(uow)
    _refuse_other_sku(store, face, sku)
    if not store.reserve(sku):
        raise Conflict(f"reserve holds no free {sku}: nothing to replenish {face.code} from")
    tasks = replenish(uow, sku, face, "manual", qty=cmd.qty or None)
    if not tasks:
        raise Conflict(f"pick face {face.code} has no room for more {sku}")
    return {"tasks": tasks, "to_location": face.code}


def _view(uow: UnitOfWork, task_id: int) -> dict:
    task = uow.tasks.get(task_id)
    to_location, trigger = ReplenishStore(uow).destination(task_id)
    return {**{k: task[k] for k in TASK_VIEW}, "from_location": task["location"], "to_location": to_location,
            "trigger": trigger}


def next_replenishment(cmd: NextReplenishment, uow: UnitOfWork) -> dict:
    store = ReplenishStore(uow)
    task_id = store.current_for(cmd.operator)
    if task_id is None:
        task_id = store.next_open()
        if task_id is None:
            return {"task": None}
        uow.tasks.update(task_id, uow.now, state="assigned", assignee=cmd.operator)
    return {"task": _view(uow, task_id)}


def _open_task(uow: UnitOfWork, cmd: ConfirmReplenishment) -> dict:
    task = uow.tasks.get(cmd.task_id)
    if task["kind"] != "replenish":
        raise Conflict(f"task {cmd.task_id} is a {task['kind']} task, not a replenishment")
    if task["state"] not in ("open", "assigned"):
        raise Conflict(f"task {cmd.task_id} is already {task['state']}")
    if task["assignee"] and cmd.operator and task["assignee"] != cmd.operator:
        raise Conflict(f"task {cmd.task_id} belongs to {task['assignee']}")
    if cmd.from_location != task["location"]:
        raise Conflict(f"wrong bin: you scanned {cmd.from_location}, the stock is at {task['location']}")
    return task


def confirm_replenishment(cmd: ConfirmReplenishment, uow: UnitOfWork) -> dict:
    task = _open_task(uow, cmd)
    sku = task["sku"] if cmd.item == task["sku"] else uow.catalog.resolve(cmd.item)
    if sku != task["sku"]:
        raise Conflict(f"wrong item: you scanned {sku}, the task is for {task['sku']}")
    store = ReplenishStore(uow)
    face = uow.locations.get(cmd.to_location, "pick face")
    to_location, _ = store.destination(task["id"])
    _refuse_other_sku(store, face, sku)
    if face.code != to_location:
        raise Conflict(f"wrong face: you scanned {face.code}, the task goes to {to_location}")
    left = task["qty"] - task["done_qty"]
    if cmd.qty > left:
        raise Conflict(f"over-replenishment: task {task['id']} has {left} units left to move, not {cmd.qty}")
    seq = uow.record(Movement("move", sku, cmd.qty, lot=task["lot"], from_location=task["location"],
                              to_location=face.code, task_ref=task["id"], reason="replenish", unallocate=cmd.qty))
    done = task["done_qty"] + cmd.qty
    uow.tasks.update(task["id"], uow.now, done_qty=done, **({"state": "done"} if done == task["qty"] else {}))
    uow.emit(ReplenishmentDone(task["id"], sku, cmd.qty, face.code, cmd.operator))
    return {"seq": seq, "task_id": task["id"], "remaining": left - cmd.qty}


def rules_from_velocity(cmd: RulesFromVelocity, uow: UnitOfWork) -> dict:
    now = date.fromisoformat(uow.now[:10])
    since = (now - timedelta(days=cmd.days)).isoformat()
    store = ReplenishStore(uow)
    rules = {}
    for sku, units, capacity in store.picked_since(since):
        rule = velocity_rule(units, cmd.days, cmd.cover_days, capacity or 0)
        if rule:
            store.set_rule(sku, rule, "velocity")
            rules[sku] = {"min": rule.min_qty, "max": rule.max_qty}
    return {"rules": rules}


def hand_to_fleet(cmd: HandToFleet, uow: UnitOfWork) -> dict:
    """The units held for the task become the transport's load: the transport moves them source ->
    vehicle -> face as movements, and the replenish task is done (by vehicle)."""
    task = uow.tasks.get(cmd.task_id)
    if task["kind"] != "replenish" or task["state"] != "open":
        raise Conflict(f"task {cmd.task_id} is not an open replenishment (it is a {task['state']} {task['kind']} task)")
    to_location, _ = ReplenishStore(uow).destination(task["id"])
    uow.balances.change(task["sku"], task["location"], task["lot"], 0, -task["qty"])
    transport = create_transport(CreateTransport(
        cmd.key, "replenish", f"PAL-{task['sku']}-{task['id']}", task["location"], to_location, "pallet",
        task["sku"], task["qty"], task["lot"] or None, operator=cmd.operator, device=cmd.device), uow)
    uow.tasks.update(task["id"], uow.now, state="done", assignee=f"transport {transport['transport_id']}")
    uow.conn.cursor().execute("UPDATE replenishments SET transport_id = ? WHERE task_id = ?",
                              (transport["transport_id"], task["id"]))
    return {"task_id": task["id"], "transport_id": transport["transport_id"], "load": f"PAL-{task['sku']}-{task['id']}",
            "from_location": task["location"], "to_location": to_location}
