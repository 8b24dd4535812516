"""Device events published on the node's PUB socket (topic = class name, like the ledger's)."""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.events import Event


@dataclass(frozen=True)
class BarcodeScanned(Event):
    scan_point: str
    data: str
    symbology: str
    at: float


@dataclass(frozen=True)
class ScanUnreadable(Event):
    scan_point: str
    error: str
    at: float


@dataclass(frozen=True)
class DevicePointChanged(Event):
    device: str
    point: str
    old: bool | int | float | str | None
    new: bool | int | float | str
    at: float


@dataclass(frozen=True)
class DeviceHealthChanged(Event):
    """A Modbus device went UP / DEGRADED / DOWN, or a scanner port connected / was lost."""

    device: str
    kind: str
    state: str
    reason: str
    at: float


@dataclass(frozen=True)
class DevicePointsRefused(Event):
    """A device answers but refuses to read these points (its profile does not fit it); the
    rest are read as usual. `reason` "" when they are read again."""

    device: str
    kind: str
    points: list[str]
    reason: str
    at: float


@dataclass(frozen=True)
class ToteDiverted(Event):
    scan_point: str
    sorter: str
    tote: str
    shipment_id: str | None
    chute: int
    reason: str  # why it went to the reject chute; "" for a normal divert


@dataclass(frozen=True)
class DivertFailed(Event):
    """The sorter did not take the request: the tote runs on to the end of the line."""

    scan_point: str
    sorter: str
    tote: str
    chute: int
    error: str


@dataclass(frozen=True)
class DivertConfirmed(Event):
    sorter: str
    seq: int
    tote: str
    chute: int  # 0: the tote left at the end of the line


@dataclass(frozen=True)
class WeightChecked(Event):
    station: str
    tote: str
    shipment_id: str
    measured_g: int
    expected_g: int
    allowed_g: int
    passed: bool
    reason: str


@dataclass(frozen=True)
class PackBlocked(Event):
    """A pack-station scan that could not be checked; nothing was recorded."""

    station: str
    tote: str
    reason: str


@dataclass(frozen=True)
class PutShown(Event):
    wall: str
    light: str
    tote: str
    shipment_id: str
    sku: str
    qty: int


@dataclass(frozen=True)
class PutConfirmed(Event):
    wall: str
    light: str
    tote: str
    shipment_id: str
    sku: str
    qty: int


@dataclass(frozen=True)
class PutRefused(Event):
    wall: str
    code: str
    reason: str
