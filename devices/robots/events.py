"""What the per-vehicle state machine tells master control (dataclasses, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.robots.inbound import ErrorReport
from devices.robots.topics import VehicleId


@dataclass(frozen=True)
class VehicleEvent:
    vehicle: VehicleId


@dataclass(frozen=True)
class OrderAccepted(VehicleEvent):
    order_id: str
    order_update_id: int


@dataclass(frozen=True)
class OrderRejected(VehicleEvent):
    order_id: str
    order_update_id: int
    errors: tuple[ErrorReport, ...]


@dataclass(frozen=True)
class OrderFinished(VehicleEvent):
    order_id: str
    failed_actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class OrderFailed(VehicleEvent):
    order_id: str
    reason: str


@dataclass(frozen=True)
class OrderCancelled(VehicleEvent):
    order_id: str
    last_node_id: str
    dropped_nodes: tuple[str, ...] = ()  # what the vehicle still listed (horizon) when it confirmed


@dataclass(frozen=True)
class OrderUnanswered(VehicleEvent):
    order_id: str
    order_update_id: int
    sends: int


@dataclass(frozen=True)
class InstantUnanswered(VehicleEvent):
    action_types: tuple[str, ...]
    sends: int


@dataclass(frozen=True)
class ActionDone(VehicleEvent):
    action_id: str
    action_type: str
    status: str  # FINISHED or FAILED
    errors: tuple[ErrorReport, ...] = ()


@dataclass(frozen=True)
class NodeReached(VehicleEvent):
    node_id: str
    sequence_id: int


@dataclass(frozen=True)
class ConnectionChanged(VehicleEvent):
    before: str
    after: str


@dataclass(frozen=True)
class FatalError(VehicleEvent):
    errors: tuple[ErrorReport, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class FactsheetReceived(VehicleEvent):
    speed_max: float | None = None
    load_types: tuple[str, ...] = ()
    max_nodes: int | None = None
