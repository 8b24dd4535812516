"""What the fleet knows of each vehicle (position, battery, trip, task), kept by the controller."""

from __future__ import annotations

from dataclasses import dataclass

from devices.robots.topics import VehicleId
from edge.fleet.trips import Trip


@dataclass
class FleetVehicle:
    id: VehicleId
    load_types: tuple[str, ...]
    speed_max: float | None = None
    max_nodes: int | None = None  # nodes per order message, from the factsheet
    node: str | None = None  # the last node it passed
    x: float = 0.0
    y: float = 0.0
    battery: float = 100.0
    charging: bool = False
    driving: bool = False
    paused: bool = False
    online: bool = False
    offline_since: float | None = None
    lost: bool = False  # offline past the grace period: its work went elsewhere
    fault: str | None = None
    trip: Trip | None = None
    orders: int = 0
    distance: float = 0.0

    @property
    def key(self) -> str:
        return str(self.id)

    @property
    def task_id(self) -> int | None:
        return self.trip.task_id if self.trip else None

    @property
    def available(self) -> bool:
        return self.online and not self.lost and self.fault is None and self.node is not None

    @property
    def idle(self) -> bool:
        return self.available and self.trip is None

    @property
    def state(self) -> str:
        if not self.online:
            return "OFFLINE"
        if self.fault:
            return "FAULT"
        if self.paused:
            return "PAUSED"
        if self.trip is not None:
            return {"task": "BUSY", "park": "PARKING", "charge": "TO_CHARGER"}[self.trip.purpose]
        return "CHARGING" if self.charging else "IDLE"

    def as_dict(self) -> dict:
        return {"vehicle": self.key, "state": self.state, "battery": round(self.battery, 1), "node": self.node,
                "x": round(self.x, 2), "y": round(self.y, 2), "task": self.task_id, "charging": self.charging,
                "fault": self.fault, "distance_m": round(self.distance, 1), "orders": self.orders}
