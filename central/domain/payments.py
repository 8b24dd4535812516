"""The payment lifecycle: one transition table for what the acquirer and central do to a payment.

A capture (the acquirer's "succeeded") pays the order if the order still takes payment, else the
money is due back. Nothing undoes money that moved: a late "failed" never overrides SUCCEEDED,
REFUND_DUE or REFUNDED, and a second capture of a paid payment is "already_paid", not a refund.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from central.domain.lifecycle import Lifecycle, Refusal, Step
from central.domain.orders import ORDER, OrderEvent, OrderStatus


class PaymentStatus(StrEnum):
    PENDING = "PENDING"
    FAILED = "FAILED"  # declined; the customer may still try again while the hold lasts
    SUCCEEDED = "SUCCEEDED"
    REFUND_DUE = "REFUND_DUE"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"  # returned lines paid back; the rest of the money stays


class PaymentEvent(StrEnum):
    CAPTURED = "captured"  # the acquirer took the money and the order accepted it
    CAPTURED_UNPAYABLE = "captured_unpayable"  # the money came, but the order no longer takes it
    DECLINED = "declined"
    REFUND_REQUESTED = "refund_requested"
    REFUNDED = "refunded"
    RETURN_REFUNDED = "return_refunded"  # part of the money went back for lines the customer returned


P, PE = PaymentStatus, PaymentEvent
_NOT_CAPTURED = Refusal("not_captured", "{what} is {state}: no money was taken, so none is refunded")
PAYMENT = Lifecycle[PaymentStatus, PaymentEvent]("payment", P.PENDING, {
    (P.PENDING, PE.CAPTURED): Step(P.SUCCEEDED, "paid"),
    (P.PENDING, PE.CAPTURED_UNPAYABLE): Step(P.REFUND_DUE, "order_not_payable_refund_due"),
    (P.PENDING, PE.DECLINED): Step(P.FAILED, "payment_failed"),
    (P.PENDING, PE.REFUND_REQUESTED): _NOT_CAPTURED,
    (P.FAILED, PE.CAPTURED): Step(P.SUCCEEDED, "paid"),
    (P.FAILED, PE.CAPTURED_UNPAYABLE): Step(P.REFUND_DUE, "order_not_payable_refund_due"),
    (P.FAILED, PE.DECLINED): Step(P.FAILED, "payment_failed"),
    (P.FAILED, PE.REFUND_REQUESTED): _NOT_CAPTURED,
    (P.SUCCEEDED, PE.CAPTURED): Step(P.SUCCEEDED, "already_paid"),
    (P.SUCCEEDED, PE.CAPTURED_UNPAYABLE): Step(P.SUCCEEDED, "already_paid"),
    (P.SUCCEEDED, PE.DECLINED): Step(P.SUCCEEDED, "late_failure_ignored"),
    (P.SUCCEEDED, PE.REFUND_REQUESTED): Step(P.REFUND_DUE, "refund_due"),
    (P.REFUND_DUE, PE.CAPTURED): Step(P.REFUND_DUE, "already_captured"),
    (P.REFUND_DUE, PE.CAPTURED_UNPAYABLE): Step(P.REFUND_DUE, "already_captured"),
    (P.REFUND_DUE, PE.DECLINED): Step(P.REFUND_DUE, "late_failure_ignored"),
    (P.REFUND_DUE, PE.REFUNDED): Step(P.REFUNDED, "refunded"),
    (P.REFUNDED, PE.CAPTURED): Step(P.REFUNDED, "already_refunded"),
    (P.REFUNDED, PE.CAPTURED_UNPAYABLE): Step(P.REFUNDED, "already_refunded"),
    (P.REFUNDED, PE.DECLINED): Step(P.REFUNDED, "late_failure_ignored"),
    (P.REFUNDED, PE.REFUND_REQUESTED): Refusal("already_refunded", "{what} was refunded already"),
    (P.REFUNDED, PE.REFUNDED): Step(P.REFUNDED, "refunded"),
    # Customer returns: each return is its own refund; the payment records that part went back,
    # and REFUNDED once the returns add up to the whole amount (REFUNDED after RETURN_REFUNDED).
    (P.PENDING, PE.RETURN_REFUNDED): _NOT_CAPTURED,
    (P.FAILED, PE.RETURN_REFUNDED): _NOT_CAPTURED,
    (P.SUCCEEDED, PE.RETURN_REFUNDED): Step(P.PARTIALLY_REFUNDED, "partially_refunded"),
    (P.REFUND_DUE, PE.RETURN_REFUNDED): Step(P.REFUND_DUE, "partially_refunded"),
    (P.REFUNDED, PE.RETURN_REFUNDED): Refusal("already_refunded", "{what} was refunded already"),
    (P.PARTIALLY_REFUNDED, PE.CAPTURED): Step(P.PARTIALLY_REFUNDED, "already_paid"),
    (P.PARTIALLY_REFUNDED, PE.CAPTURED_UNPAYABLE): Step(P.PARTIALLY_REFUNDED, "already_paid"),
    (P.PARTIALLY_REFUNDED, PE.DECLINED): Step(P.PARTIALLY_REFUNDED, "late_failure_ignored"),
    (P.PARTIALLY_REFUNDED, PE.RETURN_REFUNDED): Step(P.PARTIALLY_REFUNDED, "partially_refunded"),
    (P.PARTIALLY_REFUNDED, PE.REFUND_REQUESTED): Step(P.REFUND_DUE, "refund_due"),
    (P.PARTIALLY_REFUNDED, PE.REFUNDED): Step(P.REFUNDED, "refunded"),
})


@dataclass(frozen=True)
class CallbackDecision:
    payment: Step[PaymentStatus]
    order: Step[OrderStatus] | None  # None: the order does not change


def decide_callback(payment_id: str, order_id: str, payment: PaymentStatus, order: OrderStatus,
                    succeeded: bool) -> CallbackDecision:
    """What one acquirer outcome does to the payment and its order, read under their row locks."""
    if not succeeded:
        return CallbackDecision(PAYMENT.step(payment_id, payment, PE.DECLINED), None)
    payable = ORDER.allows(order, OrderEvent.PAY)
    step = PAYMENT.step(payment_id, payment, PE.CAPTURED if payable else PE.CAPTURED_UNPAYABLE)
    pays = step.to is P.SUCCEEDED and step.to != payment
    return CallbackDecision(step, ORDER.step(order_id, order, OrderEvent.PAY) if pays else None)
