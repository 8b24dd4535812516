"""Fault injection knobs for one simulated device."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class FaultMode(Enum):
    NONE = "none"
    TIMEOUT = "timeout"  # the request is swallowed: no answer at all (a dead slave)
    EXCEPTION = "exception"  # answer with a Modbus exception code
    GARBAGE = "garbage"  # answer with bytes that are not a valid frame
    SLOW = "slow"  # answer after `delay` seconds


@dataclass
class Faults:
    mode: FaultMode = FaultMode.NONE
    exception_code: int = 4  # device failure
    delay: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Faults:
        """`timeout`, `exception:6`, `slow:0.5`, `garbage`, `none`."""
        mode, _, arg = text.partition(":")
        faults = cls(FaultMode(mode))
        if arg and faults.mode is FaultMode.EXCEPTION:
            faults.exception_code = int(arg)
        elif arg and faults.mode is FaultMode.SLOW:
            faults.delay = float(arg)
        return faults
