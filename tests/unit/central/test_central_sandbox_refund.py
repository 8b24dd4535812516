"""The sandbox acquirer's refunds: never more than captured, never twice."""

from __future__ import annotations

import pytest

from central.errors import AcquirerError
from central.payments.sandbox import SandboxAcquirer


def test_sandbox_refuses_more_than_captured_or_twice() -> None:
    sandbox = SandboxAcquirer("acq" * 8, "http://central")
    ref = sandbox.create_intent("pay-1", 500, "RUB").acquirer_ref
    with pytest.raises(AcquirerError, match="captured 500 RUB"):
        sandbox.refund("pay-1", ref, 501, "RUB")
    with pytest.raises(AcquirerError, match="not payment pay-2's"):
        sandbox.refund("pay-2", ref, 500, "RUB")
    assert sandbox.refund("pay-1", ref, 500, "RUB") == "sbx-refund-pay-1"
    with pytest.raises(AcquirerError, match="already refunded"):
        sandbox.refund("pay-1", ref, 500, "RUB")
