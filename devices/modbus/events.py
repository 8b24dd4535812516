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


ModbusEvent = PointChanged | DeviceStateChanged
