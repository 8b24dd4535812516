"""Transport tasks: carry a handling unit (a tote, a pallet of stock) from one location to another.

open -> assigned (a vehicle has the order) -> underway (the vehicle picked the load) -> done
(dropped at the destination) or failed (handed to a person, with the load's last known place).
A vehicle lost before it picks puts the task back to open, to be dispatched again.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge.errors import Conflict

OPEN, ASSIGNED, UNDERWAY, DONE, FAILED = "open", "assigned", "underway", "done", "failed"
KINDS = ("tote", "replenish", "supervisor")

TRANSITIONS: dict[tuple[str, str], str] = {
    (OPEN, "assign"): ASSIGNED,
    (ASSIGNED, "unassign"): OPEN,  # lost before it picked: dispatch again
    (ASSIGNED, "picked"): UNDERWAY,
    (UNDERWAY, "dropped"): DONE,
    (OPEN, "fail"): FAILED,
    (ASSIGNED, "fail"): FAILED,
    (UNDERWAY, "fail"): FAILED,  # the load is on a vehicle that cannot finish: a person takes over
}


def robot_location(vehicle: str) -> str:
    """The ledger location of what a vehicle carries: ROBOT-<serial> (`vehicle` is a serial or
    manufacturer/serial)."""
    return "ROBOT-" + vehicle.rsplit("/", 1)[-1]


def next_state(state: str, trigger: str) -> str:
    try:
        return TRANSITIONS[(state, trigger)]
    except KeyError:
        raise Conflict(f"a transport task that is {state} cannot be {trigger}") from None


@dataclass
class TransportTask:
    id: int
    kind: str  # tote, replenish, supervisor
    load: str  # the tote code, or a pallet label
    source: str  # location codes
    destination: str
    load_type: str = "tote"  # what a vehicle must be able to carry
    state: str = OPEN
    vehicle: str | None = None
    created_at: float = 0.0
    assigned_at: float | None = None
    attempts: int = 0
    note: str = ""

    def apply(self, trigger: str) -> str:
        self.state = next_state(self.state, trigger)
        return self.state
