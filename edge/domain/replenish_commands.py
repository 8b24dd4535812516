"""Replenishment commands and events: a supervisor asks for a face to be filled, a person takes the
next replenish task and confirms it with scans of the source bin, the item and the face; the rules
can be worked out from recent pick velocity."""

from __future__ import annotations

from dataclasses import dataclass, field

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.errors import InvalidCommand


@dataclass(frozen=True)
class RequestReplenishment(Command):
    """Fill pick face `to_location` with `sku` from reserve (up to its max, or `qty` units)."""

    sku: str
    to_location: str
    qty: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.qty is not None and (isinstance(self.qty, bool) or not isinstance(self.qty, int) or self.qty < 1):
            raise InvalidCommand(f"qty must be a whole number >= 1, got {self.qty!r}")


@dataclass(frozen=True)
class NextReplenishment(Command):
    """Assign the operator's next replenish task (urgent first), or give the current one."""

    operator: str = field(kw_only=True)
    OPTIONAL_TEXT = ("device",)


@dataclass(frozen=True)
class ConfirmReplenishment(Command):
    task_id: int
    from_location: str
    item: str
    to_location: str
    qty: int
    ID_FIELDS = ("task_id",)
    QTY_FIELDS = ("qty",)


@dataclass(frozen=True)
class RulesFromVelocity(Command):
    """Per-SKU min/max from the picks of the last `days` days: min covers `cover_days` of them."""

    days: int = 7
    cover_days: int = 1
    QTY_FIELDS = ("days", "cover_days")


@dataclass(frozen=True)
class ReplenishmentRequested(Event):
    task_id: int
    sku: str
    qty: int
    from_location: str
    to_location: str
    trigger: str


@dataclass(frozen=True)
class ReplenishmentDone(Event):
    task_id: int
    sku: str
    qty: int
    to_location: str
    operator: str | None


@dataclass(frozen=True)
class HandToFleet(Command):
    """Give open replenish task `task_id` to the robot fleet: one transport task carries its pallet
    (recorded in the same transaction, so no pick can take the units in between)."""

    task_id: int
    ID_FIELDS = ("task_id",)
