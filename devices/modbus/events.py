"""What the Modbus hub emits: on-change values and device state transitions."""

from __future__ import annotations

from dataclasses import dataclass

from .codec import Value
from .health import State


@dataclass(frozen=True)
class PointChanged:
    device: str
    point: str
    old: Value | None  # None on the first successful read after start
    new: Value
    at: float  # wall-clock seconds


@dataclass(frozen=True)
class DeviceStateChanged:
    device: str
    old: State
    new: State
    at: float
    reason: str = ""  # the error that took it down, or "" when it came back


@dataclass(frozen=True)
class PointsRefused:
    """The device answers but refuses to read these points (exception 1, 2 or 3): its profile
    does not fit it. `reason` "" when they are read again."""

    device: str
    points: tuple[str, ...]
    reason: str
    at: float


ModbusEvent = PointChanged | DeviceStateChanged | PointsRefused
