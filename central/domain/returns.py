"""Customer returns: the rule that a return never exceeds what was shipped, and the return's
lifecycle (one transition table, as every lifecycle in central).

REQUESTED (in the warehouse's feed) -> REFUND_DUE (the floor received every line) -> REFUNDED
(the sweeper paid the returned lines back, once)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from central.domain.lifecycle import Lifecycle, Refusal, Step
from central.errors import Conflict, InvalidRequest


class ReturnExceedsShipped(Conflict):
    code = "return_exceeds_shipped"


class ReturnStatus(StrEnum):
    REQUESTED = "REQUESTED"
    REFUND_DUE = "REFUND_DUE"
    REFUNDED = "REFUNDED"


class ReturnEvent(StrEnum):
    RECEIVED = "received"  # the floor's `return` movements cover every line
    REFUNDED = "refunded"


R, RE = ReturnStatus, ReturnEvent
RETURN = Lifecycle[ReturnStatus, ReturnEvent]("return", R.REQUESTED, {
    (R.REQUESTED, RE.RECEIVED): Step(R.REFUND_DUE, "refund_due"),
    (R.REFUND_DUE, RE.RECEIVED): Step(R.REFUND_DUE, "already_received"),
    (R.REFUND_DUE, RE.REFUNDED): Step(R.REFUNDED, "refunded"),
    (R.REFUNDED, RE.RECEIVED): Step(R.REFUNDED, "already_received"),
    (R.REFUNDED, RE.REFUNDED): Step(R.REFUNDED, "refunded"),
    (R.REQUESTED, RE.REFUNDED): Refusal("not_received", "{what} is {state}: nothing is refunded before the floor "
                                                        "has received it"),
})


def split_return(order_id: str, wanted: Mapping[str, int], shipped: Mapping[str, list[tuple[str, int]]],
                 returned: Mapping[str, int]) -> dict[str, dict[str, int]]:
    """shipment_id -> {sku: qty} for a return of `wanted` units.

    `shipped`: sku -> [(shipment_id, units shipped)], oldest first; `returned`: sku -> units already
    asked back. A SKU the order never shipped, or more than was shipped less what came back
    already, is refused by name."""
    plan: dict[str, dict[str, int]] = {}
    for sku, qty in sorted(wanted.items()):
        if qty < 1:
            raise InvalidRequest(f"return of {qty} x {sku}: expected at least 1", sku=sku)
        sent = shipped.get(sku, [])
        left = sum(q for _, q in sent) - returned.get(sku, 0)
        if qty > left:
            raise ReturnExceedsShipped(f"return of {qty} x {sku} is more than order {order_id} shipped and has "
                                       f"not had back ({left})", sku=sku, returnable=left)
        already = returned.get(sku, 0)
        for shipment_id, units in sent:
            take = min(qty, max(0, units - already))
            already = max(0, already - units)
            if take:
                plan.setdefault(shipment_id, {})[sku] = take
                qty -= take
    return plan
