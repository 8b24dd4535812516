"""Events: what happened, published on the node's PUB socket after the transaction commits."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Event:
    @property
    def topic(self) -> str:
        return type(self).__name__

    def as_dict(self) -> dict:
        # Shallow: event fields are plain values (asdict's deep copy costs more than the send).
        return dict(self.__dict__)


@dataclass(frozen=True)
class StockReceived(Event):
    sku: str
    qty: int
    location: str
    lot: str


@dataclass(frozen=True)
class StockMoved(Event):
    sku: str
    qty: int
    from_location: str
    to_location: str


@dataclass(frozen=True)
class TaskCreated(Event):
    task_id: int
    kind: str
    location: str
    sku: str
    qty: int


@dataclass(frozen=True)
class TaskAssigned(Event):
    task_id: int
    operator: str


@dataclass(frozen=True)
class PickConfirmed(Event):
    task_id: int
    shipment_id: str
    sku: str
    qty: int
    tote: str
    operator: str | None


@dataclass(frozen=True)
class ShortageRecorded(Event):
    shipment_id: str
    sku: str
    location: str
    missing: int
    reallocated: int
    line_short: int


@dataclass(frozen=True)
class ShipmentAllocated(Event):
    shipment_id: str
    complete: bool
    short: dict


@dataclass(frozen=True)
class ShipmentStatusChanged(Event):
    shipment_id: str
    order_id: str
    status: str


@dataclass(frozen=True)
class StockAdjusted(Event):
    sku: str
    location: str
    delta: int
    reason: str


@dataclass(frozen=True)
class CountRecorded(Event):
    location: str
    sku: str
    counted: int
    variance: int


@dataclass(frozen=True)
class ExceptionReported(Event):
    task_id: int
    location: str
    reason: str
    tote: str | None
    shipment_id: str | None


@dataclass(frozen=True)
class ExceptionResolved(Event):
    task_id: int
    resolution: str
    operator: str | None


@dataclass(frozen=True)
class SyncAlert(Event):
    """Sync needs a person: uploads blocked, the node fenced, or central's feed went back below
    this node's cursor (`state` says which: blocked, fenced, feed_behind_cursor)."""

    state: str
    problem: str
