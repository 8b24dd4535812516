"""Order and shipment lifecycles (one transition table each), and the rules a customer's order lines must follow."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from central.domain.lifecycle import Lifecycle, Refusal, Step
from central.errors import InvalidRequest

MAX_LINES = 100
MAX_QTY_PER_LINE = 1_000


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"  # paid and on the floor: waiting for the floor's answer
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    FULFILLED = "FULFILLED"


class OrderEvent(StrEnum):
    PAY = "pay"
    EXPIRE = "expire"
    CANCEL = "cancel"
    FLOOR_CANCELLED = "floor_cancelled"  # the floor stopped every shipment it was asked to stop
    FLOOR_REFUSED = "floor_refused"  # at least one shipment had left: the order stands
    ALL_SHIPPED = "all_shipped"


class ShipmentStatus(StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    ALLOCATED = "ALLOCATED"
    PICKING = "PICKING"
    PACKED = "PACKED"
    CANCEL_REQUESTED = "CANCEL_REQUESTED"
    CANCEL_REFUSED = "CANCEL_REFUSED"  # the floor said it had already shipped; its ship movement follows
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


class ShipmentEvent(StrEnum):
    SEND = "send"  # the order is paid: the shipment goes into its warehouse's feed
    CANCEL = "cancel"
    PICKED = "picked"  # floor movements
    PACKED = "packed"
    SHIPPED = "shipped"
    CANCEL_APPLIED = "cancel_applied"  # the floor's answers to a cancel
    CANCEL_REFUSED = "cancel_refused"


OS, OE = OrderStatus, OrderEvent
ORDER = Lifecycle[OrderStatus, OrderEvent]("order", OS.PENDING_PAYMENT, {
    (OS.PENDING_PAYMENT, OE.PAY): Step(OS.PAID, "paid"),
    (OS.PENDING_PAYMENT, OE.EXPIRE): Step(OS.EXPIRED, "expired"),
    (OS.PENDING_PAYMENT, OE.CANCEL): Step(OS.CANCELLED, "cancelled"),
    (OS.PAID, OE.CANCEL): Step(OS.CANCEL_REQUESTED, "cancel_requested"),
    (OS.PAID, OE.ALL_SHIPPED): Step(OS.FULFILLED, "fulfilled"),
    (OS.CANCEL_REQUESTED, OE.CANCEL): Refusal(
        "cancel_pending", "{what} has a cancel waiting for the warehouse's answer already"),
    (OS.CANCEL_REQUESTED, OE.FLOOR_CANCELLED): Step(OS.CANCELLED, "cancelled"),
    (OS.CANCEL_REQUESTED, OE.FLOOR_REFUSED): Step(OS.PAID, "cancel_refused"),
    (OS.FULFILLED, OE.CANCEL): Refusal(
        "already_shipped", "{what} is FULFILLED: every shipment has left; return the goods instead"),
})

S, SE = ShipmentStatus, ShipmentEvent
_ON_FLOOR = (S.ALLOCATED, S.PICKING, S.PACKED)
_FORWARD = {S.ALLOCATED: 0, S.PICKING: 1, S.PACKED: 2, S.SHIPPED: 3}
_FLOOR_EVENT = {SE.PICKED: S.PICKING, SE.PACKED: S.PACKED, SE.SHIPPED: S.SHIPPED}


def _shipment_table() -> dict[tuple[ShipmentStatus, ShipmentEvent], Step[ShipmentStatus] | Refusal]:
    table: dict[tuple[ShipmentStatus, ShipmentEvent], Step[ShipmentStatus] | Refusal] = {
        (S.AWAITING_PAYMENT, SE.SEND): Step(S.ALLOCATED, "sent"),
        (S.AWAITING_PAYMENT, SE.CANCEL): Step(S.CANCELLED, "cancelled"),
        (S.CANCEL_REQUESTED, SE.CANCEL_APPLIED): Step(S.CANCELLED, "cancelled"),
        (S.CANCEL_REQUESTED, SE.CANCEL_REFUSED): Step(S.CANCEL_REFUSED, "cancel_refused"),
        (S.SHIPPED, SE.CANCEL): Refusal("already_shipped", "{what} is SHIPPED: it has left the warehouse"),
        (S.CANCEL_REFUSED, SE.CANCEL): Refusal(
            "already_shipped", "{what} has left the warehouse: the floor refused its cancel"),
        (S.CANCELLED, SE.CANCEL): Step(S.CANCELLED, "ignored"),  # a cancelled shipment never comes back
    }
    for state in _ON_FLOOR:  # floor movements only move a shipment forward, never back
        table[(state, SE.CANCEL)] = Step(S.CANCEL_REQUESTED, "cancel_requested")
        for event, to in _FLOOR_EVENT.items():
            ahead = _FORWARD[to] > _FORWARD[state]
            table[(state, event)] = Step(to, event.value) if ahead else Step(state, "ignored")
    for state in (S.CANCEL_REQUESTED, S.CANCEL_REFUSED):  # a ship movement is the floor's refusal too
        table[(state, SE.PICKED)] = table[(state, SE.PACKED)] = Step(state, "ignored")
        table[(state, SE.SHIPPED)] = Step(S.SHIPPED, "shipped")
    for state in S:  # what the floor reports is a fact: never refused, at worst ignored
        for event in (SE.PICKED, SE.PACKED, SE.SHIPPED, SE.CANCEL_APPLIED, SE.CANCEL_REFUSED):
            table.setdefault((state, event), Step(state, "ignored"))
    return table


SHIPMENT = Lifecycle[ShipmentStatus, ShipmentEvent]("shipment", S.AWAITING_PAYMENT, _shipment_table())

FLOOR_EVENTS = {"pick": SE.PICKED, "pack": SE.PACKED, "ship": SE.SHIPPED}


def cancel_steps(order_id: str, order: OrderStatus, shipments: Mapping[str, ShipmentStatus]
                 ) -> tuple[Step[OrderStatus], dict[str, Step[ShipmentStatus]]]:
    """What a cancel does to an order and each of its shipments; refused as a whole if any part is.

    An unpaid order is cancelled at once; a paid one asks its warehouses and waits for the floor.
    """
    order_step = ORDER.step(order_id, order, OE.CANCEL)
    return order_step, {sid: SHIPMENT.step(sid, status, SE.CANCEL) for sid, status in shipments.items()}


def settle_order(order: OrderStatus, shipments: Iterable[ShipmentStatus]) -> list[OrderEvent]:
    """The order events its shipments' states call for now (in order), after the floor reported."""
    states = list(shipments)
    events: list[OrderEvent] = []
    if order is OS.CANCEL_REQUESTED and S.CANCEL_REQUESTED not in states:
        events.append(OE.FLOOR_CANCELLED if all(s is S.CANCELLED for s in states) else OE.FLOOR_REFUSED)
        order = ORDER.step("", order, events[-1]).to
    live = [s for s in states if s is not S.CANCELLED]
    if order is OS.PAID and live and all(s is S.SHIPPED for s in live):
        events.append(OE.ALL_SHIPPED)
    return events


@dataclass(frozen=True)
class Line:
    sku: str
    qty: int


def check_lines(lines: Iterable[Line]) -> tuple[Line, ...]:
    """Validate an order's lines: at least one, bounded quantities, each SKU once."""
    result = tuple(lines)
    if not result:
        raise InvalidRequest("an order needs at least one line")
    if len(result) > MAX_LINES:
        raise InvalidRequest(f"an order may have at most {MAX_LINES} lines, got {len(result)}")
    seen: set[str] = set()
    for line in result:
        if not 1 <= line.qty <= MAX_QTY_PER_LINE:
            raise InvalidRequest(
                f"quantity for {line.sku} must be between 1 and {MAX_QTY_PER_LINE}, "
                f"got {line.qty}",
                sku=line.sku,
            )
        if line.sku in seen:
            raise InvalidRequest(
                f"SKU {line.sku} appears on more than one line; put the total on one line",
                sku=line.sku,
            )
        seen.add(line.sku)
    return result
