"""The payment, order and shipment transition tables: what each event does from each state."""

from __future__ import annotations

import pytest

from central.domain.orders import (
    ORDER,
    SHIPMENT,
    OrderEvent,
    OrderStatus,
    ShipmentEvent,
    ShipmentStatus,
    cancel_steps,
    settle_order,
)
from central.domain.payments import PAYMENT, PaymentEvent, PaymentStatus, decide_callback
from central.errors import Conflict

P, OS, S = PaymentStatus, OrderStatus, ShipmentStatus


def test_a_second_capture_of_a_paid_order_is_already_paid_not_a_refund() -> None:
    first = decide_callback("pay-1", "ord-1", P.PENDING, OS.PENDING_PAYMENT, succeeded=True)
    assert (first.payment.to, first.payment.result) == (P.SUCCEEDED, "paid")
    assert first.order is not None and first.order.to is OS.PAID
    # the second approval sees what the first wrote, under the lock
    second = decide_callback("pay-1", "ord-1", P.SUCCEEDED, OS.PAID, succeeded=True)
    assert (second.payment.to, second.payment.result, second.order) == (P.SUCCEEDED, "already_paid", None)


def test_money_for_an_order_that_no_longer_takes_it_is_due_back() -> None:
    for order in (OS.EXPIRED, OS.CANCELLED):
        late = decide_callback("pay-1", "ord-1", P.PENDING, order, succeeded=True)
        assert (late.payment.to, late.order) == (P.REFUND_DUE, None)


@pytest.mark.parametrize("captured", [P.SUCCEEDED, P.REFUND_DUE, P.REFUNDED])
def test_a_late_failure_never_overrides_money_that_moved(captured: PaymentStatus) -> None:
    late = decide_callback("pay-1", "ord-1", captured, OS.PAID, succeeded=False)
    assert (late.payment.to, late.payment.result, late.order) == (captured, "late_failure_ignored", None)


def test_refunds_only_of_captured_money_and_only_once() -> None:
    assert PAYMENT.step("p", P.SUCCEEDED, PaymentEvent.REFUND_REQUESTED).to is P.REFUND_DUE
    assert PAYMENT.step("p", P.REFUND_DUE, PaymentEvent.REFUNDED).to is P.REFUNDED
    with pytest.raises(Conflict, match="payment p is PENDING: no money was taken") as refused:
        PAYMENT.step("p", P.PENDING, PaymentEvent.REFUND_REQUESTED)
    assert refused.value.code == "not_captured"
    with pytest.raises(Conflict, match="refunded already"):
        PAYMENT.step("p", P.REFUNDED, PaymentEvent.REFUND_REQUESTED)
    with pytest.raises(Conflict, match="SUCCEEDED and cannot take 'refunded'"):
        PAYMENT.step("p", P.SUCCEEDED, PaymentEvent.REFUNDED)


def test_unpaid_cancel_is_immediate_paid_cancel_waits_for_the_floor() -> None:
    order, shipments = cancel_steps("o", OS.PENDING_PAYMENT, {"s1": S.AWAITING_PAYMENT})
    assert (order.to, shipments["s1"].to) == (OS.CANCELLED, S.CANCELLED)
    order, shipments = cancel_steps("o", OS.PAID, {"s1": S.ALLOCATED, "s2": S.PACKED})
    assert order.to is OS.CANCEL_REQUESTED
    assert {s.to for s in shipments.values()} == {S.CANCEL_REQUESTED}


def test_cancel_is_refused_whole_once_a_shipment_left() -> None:
    with pytest.raises(Conflict, match="shipment s2 is SHIPPED") as refused:
        cancel_steps("o", OS.PAID, {"s1": S.ALLOCATED, "s2": S.SHIPPED})
    assert refused.value.code == "already_shipped"
    with pytest.raises(Conflict, match="waiting for the warehouse's answer"):
        cancel_steps("o", OS.CANCEL_REQUESTED, {"s1": S.CANCEL_REQUESTED})
    with pytest.raises(Conflict, match="order o is CANCELLED"):
        cancel_steps("o", OS.CANCELLED, {"s1": S.CANCELLED})


def test_floor_movements_only_move_a_shipment_forward() -> None:
    ev = ShipmentEvent
    assert SHIPMENT.fold("s", S.ALLOCATED, [ev.PICKED, ev.PACKED, ev.SHIPPED]).to is S.SHIPPED
    assert SHIPMENT.fold("s", S.PACKED, [ev.PICKED]).to is S.PACKED
    assert SHIPMENT.fold("s", S.SHIPPED, [ev.PICKED, ev.CANCEL_APPLIED]).to is S.SHIPPED
    assert SHIPMENT.fold("s", S.CANCELLED, [ev.PICKED, ev.SHIPPED]).to is S.CANCELLED


def test_the_floor_answers_a_pending_cancel() -> None:
    ev = ShipmentEvent
    assert SHIPMENT.step("s", S.CANCEL_REQUESTED, ev.CANCEL_APPLIED).to is S.CANCELLED
    assert SHIPMENT.step("s", S.CANCEL_REQUESTED, ev.CANCEL_REFUSED).to is S.CANCEL_REFUSED
    assert SHIPMENT.step("s", S.CANCEL_REQUESTED, ev.SHIPPED).to is S.SHIPPED  # shipping is a refusal
    assert SHIPMENT.step("s", S.CANCEL_REQUESTED, ev.PICKED).to is S.CANCEL_REQUESTED
    assert SHIPMENT.step("s", S.CANCEL_REFUSED, ev.SHIPPED).to is S.SHIPPED


@pytest.mark.parametrize("state", list(ShipmentStatus))
@pytest.mark.parametrize("event", [ShipmentEvent.PICKED, ShipmentEvent.PACKED, ShipmentEvent.SHIPPED,
                                   ShipmentEvent.CANCEL_APPLIED, ShipmentEvent.CANCEL_REFUSED])
def test_the_floor_is_never_refused(state: ShipmentStatus, event: ShipmentEvent) -> None:
    SHIPMENT.step("s", state, event)


def test_an_order_settles_when_the_floor_has_answered_every_shipment() -> None:
    assert settle_order(OS.CANCEL_REQUESTED, [S.CANCELLED, S.CANCEL_REQUESTED]) == []
    assert settle_order(OS.CANCEL_REQUESTED, [S.CANCELLED, S.CANCELLED]) == [OrderEvent.FLOOR_CANCELLED]
    assert settle_order(OS.CANCEL_REQUESTED, [S.CANCELLED, S.CANCEL_REFUSED]) == [OrderEvent.FLOOR_REFUSED]
    assert settle_order(OS.CANCEL_REQUESTED, [S.CANCELLED, S.SHIPPED]) == [
        OrderEvent.FLOOR_REFUSED, OrderEvent.ALL_SHIPPED]
    assert settle_order(OS.PAID, [S.SHIPPED, S.PACKED]) == []
    assert ORDER.step("o", OS.CANCEL_REQUESTED, OrderEvent.FLOOR_REFUSED).to is OS.PAID
