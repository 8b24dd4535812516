"""Commands: what a terminal, a device or the sync feed asks the ledger to do.

Every command carries a client idempotency `key`: the same key gives the first answer again.
Validation here is about shape (types, ranges); whether the ledger allows it is the handler's job.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import date
from functools import cached_property, partial
from typing import ClassVar

from edge.domain.model import MAX_QTY
from edge.errors import InvalidCommand


def _check_qty(name: str, value: object, allow_zero: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidCommand(f"{name} must be a whole number, got {value!r}")
    low = 0 if allow_zero else 1
    if not low <= value <= MAX_QTY:
        raise InvalidCommand(f"{name} must be between {low} and {MAX_QTY}, got {value}")


def _check_id(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidCommand(f"{name} must be a whole number >= 1, got {value!r}")


def _check_text(name: str, value: object, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or not value.strip() or len(value) > 128:
        raise InvalidCommand(f"{name} must be a non-empty text of at most 128 characters, got {value!r}")


_PLANS: dict[type, list[tuple[str, Callable[[str, object], None]]]] = {}


def _plan(cls: type) -> list[tuple[str, Callable[[str, object], None]]]:
    """Which check each field of a command class gets, worked out once per class (hot path)."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = []
        for f in fields(cls):
            if f.name in cls.ID_FIELDS:
                plan.append((f.name, _check_id))
            elif f.name in cls.QTY_FIELDS:
                plan.append((f.name, _check_qty))
            elif f.name in cls.ZERO_QTY_FIELDS:
                plan.append((f.name, partial(_check_qty, allow_zero=True)))
            elif f.type in ("str", "str | None"):
                optional = f.name in cls.OPTIONAL_TEXT or f.type != "str"
                plan.append((f.name, partial(_check_text, optional=optional)))
        _PLANS[cls] = plan
    return plan


@dataclass(frozen=True)
class Command:
    key: str
    operator: str | None = field(default=None, kw_only=True)
    device: str | None = field(default=None, kw_only=True)

    ID_FIELDS: ClassVar[tuple[str, ...]] = ()
    QTY_FIELDS: ClassVar[tuple[str, ...]] = ()
    ZERO_QTY_FIELDS: ClassVar[tuple[str, ...]] = ()
    OPTIONAL_TEXT: ClassVar[tuple[str, ...]] = ("operator", "device")

    def __post_init__(self) -> None:
        for name, check in _plan(type(self)):
            check(name, getattr(self, name))

    @property
    def verb(self) -> str:
        return type(self).__name__

    @cached_property
    def fingerprint(self) -> str:
        """A digest of every field, stored with the key's answer: the same key sent with a
        different command is told apart by it. The dataclass repr lists every field in a fixed
        order, so the same command always gives the same text. Cached on the command, so the node
        works it out before the command crosses to the writer process."""
        return hashlib.blake2b(repr(self).encode(), digest_size=12).hexdigest()


@dataclass(frozen=True)
class UpsertSku(Command):
    sku: str
    name: str
    gtins: tuple[str, ...] = ()
    unit_weight_g: int = 0
    lot_tracked: bool = False
    ZERO_QTY_FIELDS = ("unit_weight_g",)


@dataclass(frozen=True)
class Receive(Command):
    sku: str
    qty: int
    location: str
    lot: str | None = None
    expiry: date | None = None
    QTY_FIELDS = ("qty",)


@dataclass(frozen=True)
class Move(Command):
    sku: str
    qty: int
    from_location: str
    to_location: str
    lot: str | None = None
    QTY_FIELDS = ("qty",)


@dataclass(frozen=True)
class OrderLine:
    sku: str
    qty: int

    def __post_init__(self) -> None:
        _check_text("line sku", self.sku)
        _check_qty(f"quantity of {self.sku}", self.qty)


@dataclass(frozen=True)
class AllocateShipment(Command):
    shipment_id: str
    order_id: str
    lines: tuple[OrderLine, ...]
    pickup_point: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not self.lines:
            raise InvalidCommand(f"shipment {self.shipment_id} has no lines")
        skus = [line.sku for line in self.lines]
        if len(set(skus)) != len(skus):
            raise InvalidCommand(f"shipment {self.shipment_id} lists a SKU twice: {skus}")


@dataclass(frozen=True)
class CancelShipment(Command):
    shipment_id: str
    reason: str | None = None


@dataclass(frozen=True)
class NextTask(Command):
    """Assign the operator's next pick task along the walking path (or give the current one)."""

    operator: str = field(kw_only=True)
    OPTIONAL_TEXT = ("device",)


@dataclass(frozen=True)
class ConfirmPick(Command):
    task_id: int
    location: str
    item: str
    tote: str
    qty: int
    ID_FIELDS = ("task_id",)
    QTY_FIELDS = ("qty",)


@dataclass(frozen=True)
class ShortPick(Command):
    task_id: int
    location: str
    found_qty: int
    tote: str | None = None
    ID_FIELDS = ("task_id",)
    ZERO_QTY_FIELDS = ("found_qty",)


@dataclass(frozen=True)
class Pack(Command):
    tote: str
    shipment_id: str
    station: str


@dataclass(frozen=True)
class ReportException(Command):
    """A floor check failed (e.g. a pack-station weight): open an exception task for a supervisor."""

    location: str
    reason: str
    tote: str | None = None
    shipment_id: str | None = None


@dataclass(frozen=True)
class ResolveException(Command):
    """A supervisor closes an exception task, saying what was done about it."""

    task_id: int
    resolution: str
    ID_FIELDS = ("task_id",)


@dataclass(frozen=True)
class Ship(Command):
    shipment_id: str
    dock: str


@dataclass(frozen=True)
class Adjust(Command):
    sku: str
    location: str
    delta: int
    reason: str
    lot: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.delta, bool) or not isinstance(self.delta, int) or self.delta == 0:
            raise InvalidCommand(f"delta must be a non-zero whole number, got {self.delta!r}")
        _check_qty("size of the adjustment", abs(self.delta))


@dataclass(frozen=True)
class Count(Command):
    location: str
    sku: str
    counted: int
    lot: str | None = None
    ZERO_QTY_FIELDS = ("counted",)


@dataclass(frozen=True)
class ApplyFeedEntry(Command):
    """One entry of central's feed for this warehouse, applied together with the feed cursor."""

    feed_seq: int
    command: object  # a sync.feed command model
    ID_FIELDS = ("feed_seq",)
