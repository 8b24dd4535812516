"""Ledger commands of the fleet: create a transport task, record each step of it."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.commands import Command
from edge.errors import InvalidCommand
from edge.fleet.tasks import KINDS, TRANSITIONS

TRIGGERS = tuple(sorted({trigger for _, trigger in TRANSITIONS}))


@dataclass(frozen=True)
class CreateTransport(Command):
    kind: str
    load: str
    source: str
    destination: str
    load_type: str = "tote"
    sku: str | None = None  # a pallet of stock: what moves with it in the ledger
    qty: int = 0
    lot: str | None = None
    ZERO_QTY_FIELDS = ("qty",)

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.kind not in KINDS:
            raise InvalidCommand(f"transport kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        if (self.sku is None) != (self.qty == 0):
            raise InvalidCommand("a transport of stock names both the sku and a quantity; a tote names neither")


@dataclass(frozen=True)
class TransportStep(Command):
    transport_id: int
    trigger: str  # assign, unassign, picked, dropped, fail
    vehicle: str | None = None
    place: str | None = None
    note: str | None = None
    ID_FIELDS = ("transport_id",)
    OPTIONAL_TEXT = ("operator", "device", "place", "note")

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.trigger not in TRIGGERS:
            raise InvalidCommand(f"transport step must be one of {', '.join(TRIGGERS)}, got {self.trigger!r}")
