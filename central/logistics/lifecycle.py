"""The delivery lifecycles as transition tables: a shipment's delivery, a route, a route's stop.

Every code path that changes one of these states asks `check_*` first (and writes with the
current state in its WHERE clause), so the table below is the whole rule. The shipment's
fulfilment lifecycle (ALLOCATED .. SHIPPED) is the order side's; delivery planning starts before it
ends, so the floor knows each parcel's van before picking, but a parcel only goes out with a van
once the floor has shipped it: `PLANNABLE` and `at_departure` below are that rule.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from central.domain.orders import ShipmentStatus
from central.logistics.errors import OutOfOrder


class Delivery(StrEnum):
    AWAITING_ROUTE = "AWAITING_ROUTE"  # on no planned route (yet, carried from a van, or unroutable: see reason)
    PLANNED = "PLANNED"  # on a planned route that has not left (shipped or not yet)
    ON_ROUTE = "ON_ROUTE"
    AT_PICKUP_POINT = "AT_PICKUP_POINT"
    HANDED_OVER = "HANDED_OVER"  # collected by the customer
    RETURNING = "RETURNING"  # stop failed or never collected: goes back to the warehouse (reason)
    CANCELLED = "CANCELLED"  # cancelled before it left: off every route


class RouteStatus(StrEnum):
    PLANNED = "planned"
    DEPARTED = "departed"
    COMPLETED = "completed"


class StopStatus(StrEnum):
    PENDING = "pending"
    ARRIVED = "arrived"
    DONE = "done"  # every shipment of the stop handed to the pickup point
    FAILED = "failed"  # the rest of its shipments go back (reason)


DELIVERY_TRANSITIONS: dict[Delivery, frozenset[Delivery]] = {
    Delivery.AWAITING_ROUTE: frozenset({Delivery.PLANNED, Delivery.CANCELLED}),
    # back to waiting: re-planned, or not shipped when its van left (carried)
    Delivery.PLANNED: frozenset({Delivery.ON_ROUTE, Delivery.AWAITING_ROUTE, Delivery.CANCELLED}),
    Delivery.ON_ROUTE: frozenset({Delivery.AT_PICKUP_POINT, Delivery.RETURNING}),
    Delivery.AT_PICKUP_POINT: frozenset({Delivery.HANDED_OVER, Delivery.RETURNING}),
    Delivery.HANDED_OVER: frozenset(),
    Delivery.RETURNING: frozenset(),
    Delivery.CANCELLED: frozenset(),
}

ROUTE_TRANSITIONS: dict[RouteStatus, frozenset[RouteStatus]] = {
    RouteStatus.PLANNED: frozenset({RouteStatus.DEPARTED}),
    RouteStatus.DEPARTED: frozenset({RouteStatus.COMPLETED}),
    RouteStatus.COMPLETED: frozenset(),
}

STOP_TRANSITIONS: dict[StopStatus, frozenset[StopStatus]] = {
    StopStatus.PENDING: frozenset({StopStatus.ARRIVED, StopStatus.FAILED}),
    StopStatus.ARRIVED: frozenset({StopStatus.DONE, StopStatus.FAILED}),
    StopStatus.DONE: frozenset(),
    StopStatus.FAILED: frozenset(),
}

# A planned route may be thrown away and planned again; once it has left it is kept.
REPLANNABLE_ROUTES = frozenset({RouteStatus.PLANNED})
FINISHED_STOPS = frozenset(s for s, nxt in STOP_TRANSITIONS.items() if not nxt)


# The shipments a plan takes, by their fulfilment status: paid ones on the floor (planned ahead, so
# their van reaches the floor before picking; a refused cancel means it left, its ship movement
# follows) and shipped ones. A requested cancel waits for the floor's answer off any new route.
PLANNED_AHEAD = frozenset({ShipmentStatus.ALLOCATED, ShipmentStatus.PICKING, ShipmentStatus.PACKED,
                           ShipmentStatus.CANCEL_REFUSED})
PLANNABLE = PLANNED_AHEAD | {ShipmentStatus.SHIPPED}


def at_departure(status: ShipmentStatus) -> Delivery:
    """What a van's departure does to a shipment planned on it, by the shipment's fulfilment status.

    Aboard (ON_ROUTE) only if the floor has shipped it; cancelled, it is off the route; anything
    else missed the van and is carried: it waits (AWAITING_ROUTE) for the next route (see `carry`).
    """
    if status is ShipmentStatus.SHIPPED:
        return Delivery.ON_ROUTE
    if status is ShipmentStatus.CANCELLED:
        return Delivery.CANCELLED
    return Delivery.AWAITING_ROUTE


def check_delivery(shipment_id: str, current: Delivery, target: Delivery) -> None:
    if target not in DELIVERY_TRANSITIONS[current]:
        raise OutOfOrder(f"shipment {shipment_id} is {current.value} and cannot become {target.value}",
                         shipment_id=shipment_id, state=current.value, wanted=target.value)


def check_route(route_id: str, current: RouteStatus, target: RouteStatus) -> None:
    if target not in ROUTE_TRANSITIONS[current]:
        raise OutOfOrder(f"route {route_id} is {current.value} and cannot become {target.value}",
                         route_id=route_id, status=current.value, wanted=target.value)


def check_stop(route_id: str, seq: int, current: StopStatus, target: StopStatus) -> None:
    if target not in STOP_TRANSITIONS[current]:
        raise OutOfOrder(f"stop {seq} of route {route_id} is {current.value} and cannot become {target.value}",
                         route_id=route_id, stop=seq, status=current.value, wanted=target.value)


def order_delivery_status(states: Iterable[Delivery | None]) -> str | None:
    """What the customer's order shows once delivery has a say, from its live shipments' states.

    READY_FOR_PICKUP when every shipment is at the pickup point (or already collected),
    COMPLETED when every one has been handed over; None leaves the order's own status alone.
    """
    seen = list(states)
    if not seen or any(s is None for s in seen):
        return None
    if all(s is Delivery.HANDED_OVER for s in seen):
        return "COMPLETED"
    if all(s in (Delivery.AT_PICKUP_POINT, Delivery.HANDED_OVER) for s in seen):
        return "READY_FOR_PICKUP"
    return None
