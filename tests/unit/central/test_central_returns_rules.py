"""The pure rules of customer returns at central: never more than was shipped (less what came back
already), split over the shipments that carried the units; the return's lifecycle; partial refunds
in the payment's table."""

from __future__ import annotations

import pytest

from central.domain.payments import PAYMENT, PaymentEvent, PaymentStatus
from central.domain.returns import RETURN, ReturnEvent, ReturnExceedsShipped, ReturnStatus, split_return
from central.errors import TransitionRefused

SHIPPED = {"A": [("sh-1", 2), ("sh-2", 3)], "B": [("sh-2", 1)]}


def test_a_return_is_split_over_the_shipments_that_carried_it() -> None:
    assert split_return("o1", {"A": 4, "B": 1}, SHIPPED, {}) == {"sh-1": {"A": 2}, "sh-2": {"A": 2, "B": 1}}
    assert split_return("o1", {"A": 2}, SHIPPED, {"A": 2}) == {"sh-2": {"A": 2}}  # sh-1's came back already


@pytest.mark.parametrize("wanted, returned, words", [
    ({"A": 6}, {}, "return of 6 x A is more than order o1 shipped and has not had back (5)"),
    ({"A": 4}, {"A": 2}, "(3)"),
    ({"C": 1}, {}, "(0)"),
])
def test_more_than_shipped_is_refused_by_name(wanted: dict, returned: dict, words: str) -> None:
    with pytest.raises(ReturnExceedsShipped, match=words.replace("(", r"\(").replace(")", r"\)")):
        split_return("o1", wanted, SHIPPED, returned)


def test_the_return_lifecycle() -> None:
    R, E = ReturnStatus, ReturnEvent
    assert RETURN.fold("r1", R.REQUESTED, [E.RECEIVED, E.REFUNDED]).to is R.REFUNDED
    assert RETURN.step("r1", R.REFUNDED, E.REFUNDED).result == "refunded"  # a second sweep changes nothing
    with pytest.raises(TransitionRefused, match="nothing is refunded before the floor"):
        RETURN.step("r1", R.REQUESTED, E.REFUNDED)


def test_partial_refunds_in_the_payment_table() -> None:
    P, E = PaymentStatus, PaymentEvent
    assert PAYMENT.step("p", P.SUCCEEDED, E.RETURN_REFUNDED).to is P.PARTIALLY_REFUNDED
    assert PAYMENT.fold("p", P.SUCCEEDED, [E.RETURN_REFUNDED, E.RETURN_REFUNDED, E.REFUNDED]).to is P.REFUNDED
    assert PAYMENT.step("p", P.PARTIALLY_REFUNDED, E.DECLINED).to is P.PARTIALLY_REFUNDED  # never undone
    assert PAYMENT.step("p", P.PARTIALLY_REFUNDED, E.CAPTURED).result == "already_paid"
    for state in (P.PENDING, P.FAILED, P.REFUNDED):
        with pytest.raises(TransitionRefused):
            PAYMENT.step("p", state, E.RETURN_REFUNDED)
