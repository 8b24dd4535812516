"""The sandbox acquirer keeps every intent it makes: it lists the open ones in order, and a voided
one takes no money."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from memory_books import MemoryBooks

from central.errors import AcquirerError
from central.payments.port import IntentMark
from central.payments.sandbox import SandboxAcquirer


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock: Clock) -> SandboxAcquirer:
    return SandboxAcquirer("acq" * 8, "http://central", MemoryBooks(clock))


def test_open_intents_are_the_unvoided_ones_past_the_age_oldest_first(sandbox: SandboxAcquirer,
                                                                      clock: Clock) -> None:
    for n in (3, 1, 2):
        sandbox.create_intent(f"pay-{n}", 100 * n, "RUB")
        clock.now += timedelta(minutes=1)
    sandbox.void_intent("pay-1", "sbx-pay-1-100-RUB")
    sandbox.create_intent("pay-4", 400, "RUB")  # made just now
    listed = sandbox.open_intents(None, timedelta(minutes=1), 10)
    assert [(i.payment_id, i.acquirer_ref) for i in listed] == [("pay-3", "sbx-pay-3-300-RUB"),
                                                                ("pay-2", "sbx-pay-2-200-RUB")]
    assert [i.payment_id for i in sandbox.open_intents(listed[0].mark, timedelta(minutes=1), 10)] == ["pay-2"]
    assert sandbox.open_intents(listed[-1].mark, timedelta(minutes=1), 10) == []
    assert [i.payment_id for i in sandbox.open_intents(None, timedelta(0), 1)] == ["pay-3"]


def test_intents_made_in_the_same_instant_are_walked_by_payment_id(sandbox: SandboxAcquirer,
                                                                   clock: Clock) -> None:
    for payment_id in ("pay-b", "pay-a", "pay-c"):
        sandbox.create_intent(payment_id, 100, "RUB")
    first = sandbox.open_intents(None, timedelta(0), 2)
    assert [i.payment_id for i in first] == ["pay-a", "pay-b"]
    assert [i.payment_id for i in sandbox.open_intents(first[-1].mark, timedelta(0), 2)] == ["pay-c"]
    assert first[-1].mark == IntentMark(clock.now, "pay-b")


def test_an_intent_asked_for_again_is_the_same_intent(sandbox: SandboxAcquirer) -> None:
    first = sandbox.create_intent("pay-1", 500, "RUB")
    assert sandbox.create_intent("pay-1", 500, "RUB") == first
    assert len(sandbox.open_intents(None, timedelta(0), 10)) == 1


def test_a_voided_intent_takes_no_money_but_may_be_declined(sandbox: SandboxAcquirer) -> None:
    ref = sandbox.create_intent("pay-1", 500, "RUB").acquirer_ref
    sandbox.void_intent("pay-1", ref)
    sandbox.void_intent("pay-1", ref)  # again: nothing more happens
    with pytest.raises(AcquirerError, match="voided payment pay-1's intent: it cannot be paid"):
        sandbox.callback_for("evt-1", "pay-1", "succeeded", 500, "RUB")
    body, signature = sandbox.callback_for("evt-2", "pay-1", "failed", 500, "RUB")
    assert sandbox.parse_callback(body, signature).outcome == "failed"
