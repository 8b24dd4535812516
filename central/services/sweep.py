"""The sweeper's one pass: expire unpaid holds, then refund what is due."""

from __future__ import annotations

from dataclasses import dataclass

from central.bootstrap import Central
from central.services.orders import expire_due
from central.services.refunds import refund_due
from central.services.returns import refund_returns


@dataclass(frozen=True)
class SweepResult:
    expired: int
    refunded: int


def sweep_once(central: Central) -> SweepResult:
    """One bounded batch of each; callers repeat while there was work."""
    return SweepResult(expired=expire_due(central), refunded=refund_due(central) + refund_returns(central))
