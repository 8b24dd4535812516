"""The sweeper's one pass: expire unpaid holds, refund what is due, void orphan payment intents."""

from __future__ import annotations

from dataclasses import dataclass

from central.bootstrap import Central
from central.services.orders import expire_due
from central.services.orphan_intents import void_orphans
from central.services.refunds import refund_due
from central.services.returns import refund_returns


@dataclass(frozen=True)
class SweepResult:
    expired: int
    refunded: int
    voided: int = 0  # orphan payment intents
    intents_checked: int = 0

    @property
    def worked(self) -> bool:
        return bool(self.expired or self.refunded or self.intents_checked)


def sweep_once(central: Central) -> SweepResult:
    """One bounded batch of each; callers repeat while there was work."""
    expired, refunded = expire_due(central), refund_due(central) + refund_returns(central)
    intents = void_orphans(central)
    return SweepResult(expired, refunded, intents.voided, intents.checked)
