"""Customer returns on the floor: receive the parcel central announced at a returns location, then
inspect each unit — restock it into a bin, quarantine it, or dispose of it with a reason.

Pure: the commands, the events, and the rule of what a line may still take."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.errors import Conflict, InvalidCommand

OUTCOMES = ("restock", "quarantine", "dispose")


@dataclass(frozen=True)
class ReceiveReturn(Command):
    """The announced parcel is here: every line goes into `location` (a returns location)."""

    return_id: str
    location: str


@dataclass(frozen=True)
class InspectReturn(Command):
    return_id: str
    item: str
    qty: int
    outcome: str
    to_location: str | None = None  # restock: the bin; quarantine: a quarantine location (default: the first)
    reason: str | None = None       # dispose: why
    QTY_FIELDS = ("qty",)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.outcome not in OUTCOMES:
            raise InvalidCommand(f"outcome must be one of {', '.join(OUTCOMES)}, got {self.outcome!r}")
        if self.outcome == "dispose" and not self.reason:
            raise InvalidCommand("say why the unit is disposed of (reason)")


@dataclass(frozen=True)
class ReturnLine:
    sku: str
    qty: int
    received: int
    restocked: int
    quarantined: int
    disposed: int

    @property
    def uninspected(self) -> int:
        return self.received - self.restocked - self.quarantined - self.disposed


def check_inspection(return_id: str, line: ReturnLine | None, sku: str, qty: int) -> None:
    """A unit can be inspected only once it was received, and only once."""
    if line is None:
        raise Conflict(f"return {return_id} has no {sku}: scan an item of this return")
    if line.uninspected < qty:
        raise Conflict(f"return {return_id} has {line.uninspected} uninspected {sku} (received {line.received}), "
                       f"not {qty}")


@dataclass(frozen=True)
class ReturnReceived(Event):
    return_id: str
    order_id: str
    location: str
    units: int


@dataclass(frozen=True)
class ReturnInspected(Event):
    return_id: str
    sku: str
    qty: int
    outcome: str
    location: str | None
