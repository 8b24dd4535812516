"""Message headers: headerId per topic and vehicle, +1 for every message sent (received or not)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from devices.robots.topics import VehicleId
from devices.robots.versions import Version


def timestamp(at: datetime) -> str:
    """ISO 8601 UTC with hundredths, as the spec writes it: 2017-04-15T11:40:03.12Z."""
    at = at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 10000:02d}Z"


def from_epoch(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


class HeaderIds:
    """The next headerId for each (vehicle, subtopic) this side sends on."""

    def __init__(self) -> None:
        self._next: dict[tuple[VehicleId, str], int] = defaultdict(int)

    def header(self, vehicle: VehicleId, subtopic: str, version: Version, at: datetime) -> dict:
        header_id = self._next[(vehicle, subtopic)]
        self._next[(vehicle, subtopic)] = header_id + 1
        return {"headerId": header_id, "timestamp": timestamp(at), "version": version.full,
                "manufacturer": vehicle.manufacturer, "serialNumber": vehicle.serial}
