"""Outbound orders: allocate a shipment to stock as pick tasks; cancel one (what was picked goes back)."""

from __future__ import annotations

from datetime import date

from edge.domain.allocation import plan_allocation
from edge.domain.commands import AllocateShipment, CancelShipment
from edge.domain.events import ShipmentAllocated, ShipmentStatusChanged, TaskCreated
from edge.domain.path import walking_order
from edge.errors import AlreadyShipped, Conflict, NotFound
from edge.handlers import replenishment
from edge.handlers.batch_cancel import leave_batch
from edge.handlers.putback import put_back
from edge.ledger.uow import UnitOfWork


def walk_rank(uow: UnitOfWork) -> dict[str, int]:
    """Rank of every storage bin along the serpentine route, computed once per unit of work."""
    if uow.walk_rank is None:
        bins = uow.locations.of_type("reserve", "pick_face")
        uow.walk_rank = {loc.code: i for i, loc in enumerate(walking_order(bins))}
    return uow.walk_rank


def pick_origin(uow: UnitOfWork):
    stations = uow.locations.of_type("pack_station", "staging", "dock")
    if not stations:
        raise NotFound("the warehouse has no pack station, staging or dock location to pick towards")
    return stations[0]


def allocate_line(uow: UnitOfWork, shipment_id: str, sku: str, qty: int,
                  exclude: frozenset[str] = frozenset(), assignee: str | None = None, refill: str = "demand") -> int:
    """Create pick tasks for up to `qty` units of `sku`; returns how many units were allocated.

    Units the faces could not give came from reserve: the faces get a replenishment (`refill`)
    ahead of the next picks."""
    today = date.fromisoformat(uow.now[:10])
    candidates = uow.balances.candidates(sku, set(exclude))
    plan, left = plan_allocation(qty, candidates, pick_origin(uow), uow.catalog.lot_tracked(sku), today)
    rank = walk_rank(uow)
    for a in plan:
        code = a.stock.location.code
        uow.balances.change(sku, code, a.stock.lot, 0, a.qty)
        # A re-allocation after a short pick stays with the picker who found the bin short.
        task_id = uow.tasks.create("pick", uow.now, state="assigned" if assignee else "open",
                                   shipment_id=shipment_id, sku=sku, lot=a.stock.lot, qty=a.qty, location=code,
                                   path_seq=rank.get(code, 0), assignee=assignee)
        uow.emit(TaskCreated(task_id, "pick", code, sku, a.qty))
    allocated = qty - left
    uow.shipments.bump_line(shipment_id, sku, allocated=allocated)
    from_reserve = sum(a.qty for a in plan if a.stock.location.type == "reserve")
    if from_reserve:
        replenishment.replenish(uow, sku, None, refill, need=from_reserve, exclude=exclude)
    return allocated


def allocate_shipment(cmd: AllocateShipment, uow: UnitOfWork) -> dict:
    if uow.shipments.exists(cmd.shipment_id):
        raise Conflict(f"shipment {cmd.shipment_id} was already allocated in this warehouse")
    uow.shipments.create(cmd.shipment_id, cmd.order_id, cmd.pickup_point, uow.now)
    short: dict[str, int] = {}
    allocated = 0
    for line in cmd.lines:
        sku = uow.catalog.resolve(line.sku)
        uow.shipments.add_line(cmd.shipment_id, sku, line.qty)
        got = allocate_line(uow, cmd.shipment_id, sku, line.qty)
        allocated += got
        if got < line.qty:
            short[sku] = line.qty - got
    # A shipment with nothing in stock at all cannot be worked; a partial one is picked as far as it goes.
    status = "allocated" if allocated else "short"
    uow.shipments.set(cmd.shipment_id, uow.now, status=status)
    uow.emit(ShipmentAllocated(cmd.shipment_id, not short, short))
    return {"shipment_id": cmd.shipment_id, "complete": not short, "short": short, "status": status}


def cancel_shipment(cmd: CancelShipment, uow: UnitOfWork) -> dict:
    shipment = uow.shipments.get(cmd.shipment_id)
    if shipment["status"] == "shipped":
        raise AlreadyShipped(f"shipment {cmd.shipment_id} has already left the building")
    if shipment["status"] == "cancelled":
        return {"shipment_id": cmd.shipment_id, "released": 0}
    released = 0
    for task in uow.tasks.open_for_shipment(cmd.shipment_id):
        left = task["qty"] - task["done_qty"]
        uow.balances.change(task["sku"], task["location"], task["lot"], 0, -left)
        uow.tasks.update(task["id"], uow.now, state="cancelled")
        released += left
    why = f"cancelled shipment {cmd.shipment_id}"
    returned = put_back(uow, shipment, why)
    uow.shipments.set(cmd.shipment_id, uow.now, status="cancelled")
    returned |= leave_batch(uow, shipment, why, returned)
    uow.emit(ShipmentStatusChanged(cmd.shipment_id, shipment["order_id"], "cancelled"))
    return {"shipment_id": cmd.shipment_id, "released": released, "tote": shipment["tote"], **returned}
