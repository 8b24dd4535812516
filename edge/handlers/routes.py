"""Central's delivery routes on the floor: each `delivery_route` feed entry is stored with its
stops and shipments, so waves group a routed shipment by its van (cut off at the departure) and
its label shows route and stop. Central plans ahead of picking and changes a van's load until it
leaves, so a route comes again (a shipment taken off or carried onto it), replaces others, or is
withdrawn (`route_withdrawal`): the highest version wins; an older version arriving late changes
nothing. A shipment whose route changed leaves the planned wave it waits in, to be waved with its
van (or by cut-off) at the next wave planning."""

from __future__ import annotations

from edge.ledger.route_store import RouteStore
from edge.ledger.uow import UnitOfWork
from sync.feed import DeliveryRoute, RouteWithdrawal


def store_route(cmd: DeliveryRoute, feed_seq: int, uow: UnitOfWork) -> dict:
    store = RouteStore(uow)
    known = store.version(cmd.route_id)
    if known is not None and known > cmd.version:
        return {"route_id": cmd.route_id, "stale": True, "version": known}
    withdrawn = store.withdraw(list(cmd.replaces), below=cmd.version)
    store.save(cmd.route_id, cmd.version, cmd.service_date.isoformat(),
               cmd.departs_at.isoformat(timespec="seconds"), cmd.vehicle_id, feed_seq)
    moved = sum(store.add_stop(cmd.route_id, s.stop, s.pickup_point_id, list(s.shipment_ids), cmd.version)
                for s in cmd.stops)
    store.drop_left_off(cmd.route_id, [sid for s in cmd.stops for sid in s.shipment_ids])
    return {"route_id": cmd.route_id, "version": cmd.version, "stops": len(cmd.stops), "shipments": moved,
            "withdrawn": withdrawn, "rewaved": store.rewave()}


def withdraw_routes(cmd: RouteWithdrawal, uow: UnitOfWork) -> dict:
    store = RouteStore(uow)
    withdrawn = store.withdraw(list(cmd.route_ids), below=cmd.version)
    return {"withdrawn": withdrawn, "rewaved": store.rewave()}
