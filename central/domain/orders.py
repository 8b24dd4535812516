"""Order and shipment state machines, and the rules a customer's order lines must follow."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from central.errors import Conflict, InvalidRequest

MAX_LINES = 100
MAX_QTY_PER_LINE = 1_000


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "PENDING_PAYMENT"
    PAID = "PAID"
    EXPIRED = "EXPIRED"
    CANCELLED = "CANCELLED"
    FULFILLED = "FULFILLED"


class ShipmentStatus(StrEnum):
    AWAITING_PAYMENT = "AWAITING_PAYMENT"
    ALLOCATED = "ALLOCATED"
    PICKING = "PICKING"
    PACKED = "PACKED"
    SHIPPED = "SHIPPED"
    CANCELLED = "CANCELLED"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PENDING_PAYMENT: frozenset(
        {OrderStatus.PAID, OrderStatus.EXPIRED, OrderStatus.CANCELLED}
    ),
    OrderStatus.PAID: frozenset({OrderStatus.CANCELLED, OrderStatus.FULFILLED}),
    OrderStatus.EXPIRED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.FULFILLED: frozenset(),
}

SHIPMENT_TRANSITIONS: dict[ShipmentStatus, frozenset[ShipmentStatus]] = {
    ShipmentStatus.AWAITING_PAYMENT: frozenset(
        {ShipmentStatus.ALLOCATED, ShipmentStatus.CANCELLED}
    ),
    ShipmentStatus.ALLOCATED: frozenset({ShipmentStatus.PICKING, ShipmentStatus.CANCELLED}),
    ShipmentStatus.PICKING: frozenset({ShipmentStatus.PACKED, ShipmentStatus.CANCELLED}),
    ShipmentStatus.PACKED: frozenset({ShipmentStatus.SHIPPED, ShipmentStatus.CANCELLED}),
    ShipmentStatus.SHIPPED: frozenset(),
    ShipmentStatus.CANCELLED: frozenset(),
}

# Shipment states from which a cancel still reaches the warehouse in time.
CANCELLABLE_SHIPMENTS = frozenset(
    s for s, nxt in SHIPMENT_TRANSITIONS.items() if ShipmentStatus.CANCELLED in nxt
)


def check_order_transition(order_id: str, current: OrderStatus, target: OrderStatus) -> None:
    if target not in ORDER_TRANSITIONS[current]:
        raise Conflict(
            f"order {order_id} is {current.value} and cannot become {target.value}",
            order_id=order_id,
            status=current.value,
        )


def check_cancellable(order_id: str, shipments: Iterable[ShipmentStatus]) -> None:
    """Raise Conflict if any shipment is past the point where the warehouse can stop it."""
    settled = CANCELLABLE_SHIPMENTS | {ShipmentStatus.CANCELLED}
    late = sorted({s.value for s in shipments if s not in settled})
    if late:
        raise Conflict(
            f"order {order_id} cannot be cancelled: shipments already {', '.join(late)}",
            order_id=order_id,
        )


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
