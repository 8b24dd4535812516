"""The sandbox acquirer's refunds: never more than captured, the same key answered once."""

from __future__ import annotations

import pytest
from memory_books import MemoryBooks

from central.errors import AcquirerError
from central.payments.sandbox import SandboxAcquirer


def test_sandbox_refuses_more_than_captured_and_answers_a_key_once() -> None:
    books = MemoryBooks()
    sandbox = SandboxAcquirer("acq" * 8, "http://central", books)
    ref = sandbox.create_intent("pay-1", 500, "RUB").acquirer_ref
    with pytest.raises(AcquirerError, match="captured 500 RUB"):
        sandbox.refund("pay-1", ref, 501, "RUB", idempotency_key="pay-1")
    with pytest.raises(AcquirerError, match="not payment pay-2's"):
        sandbox.refund("pay-2", ref, 500, "RUB", idempotency_key="pay-2")
    assert sandbox.refund("pay-1", ref, 500, "RUB", idempotency_key="pay-1") == "sbx-refund-pay-1"
    assert sandbox.refund("pay-1", ref, 500, "RUB", idempotency_key="pay-1") == "sbx-refund-pay-1"
    assert books.refunded("pay-1") == 500
    with pytest.raises(AcquirerError, match="0 of it not refunded yet"):
        sandbox.refund("pay-1", ref, 500, "RUB", idempotency_key="another-key")
    with pytest.raises(AcquirerError, match="a different request needs a new key"):
        sandbox.refund("pay-1", ref, 400, "RUB", idempotency_key="pay-1")


def test_partial_refunds_add_up_to_the_capture_at_most() -> None:
    books = MemoryBooks()
    sandbox = SandboxAcquirer("acq" * 8, "http://central", books)
    ref = sandbox.create_intent("pay-1", 500, "RUB").acquirer_ref
    sandbox.refund("pay-1", ref, 300, "RUB", idempotency_key="k1")
    with pytest.raises(AcquirerError, match="200 of it not refunded yet"):
        sandbox.refund("pay-1", ref, 300, "RUB", idempotency_key="k2")
    assert sandbox.refund("pay-1", ref, 200, "RUB", idempotency_key="k2") == "sbx-refund-k2"


def test_a_voided_intent_is_in_the_books() -> None:
    books = MemoryBooks()
    sandbox = SandboxAcquirer("acq" * 8, "http://central", books)
    sandbox.void_intent("pay-1", sandbox.create_intent("pay-1", 500, "RUB").acquirer_ref)
    assert books.recall("void:pay-1") is not None
