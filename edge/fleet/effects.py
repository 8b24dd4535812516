"""What the fleet controller asks the outside world to do (dataclasses, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.robots.messages import InstantActions, Order
from devices.robots.topics import VehicleId


@dataclass(frozen=True)
class SendOrder:
    vehicle: VehicleId
    order: Order


@dataclass(frozen=True)
class SendInstant:
    vehicle: VehicleId
    message: InstantActions


@dataclass(frozen=True)
class TaskChanged:
    task_id: int
    state: str
    trigger: str  # assign, unassign, picked, dropped, fail
    vehicle: str | None
    place: str = ""  # the load's last known place
    note: str = ""


@dataclass(frozen=True)
class FleetNote:
    """A fleet event for the node's PUB socket: topic `event.Fleet<Kind>`."""
    kind: str
    data: dict = field(default_factory=dict)


Effect = SendOrder | SendInstant | TaskChanged | FleetNote
