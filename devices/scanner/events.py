"""What a scanner produces: one `ScanEvent` per barcode read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Gs1Fields:
    """The GS1 element strings a warehouse acts on, plus every (AI, value) pair as read."""

    gtin: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None
    best_before: dt.date | None = None
    serial: str | None = None
    sscc: str | None = None
    net_weight_kg: Decimal | None = None
    elements: tuple[tuple[str, str], ...] = field(default=())


@dataclass(frozen=True)
class ScanEvent:
    scan_point: str
    symbology: str  # e.g. "GS1_128", "EAN_13", "QR_CODE"; "" when the scanner sends no AIM id
    data: str  # the barcode content, AIM identifier stripped, GS separators kept
    aim: str = ""  # the AIM identifier as sent, e.g. "]C1"
    gs1: Gs1Fields | None = None
    at: float = 0.0  # time the frame completed, in the clock the I/O layer passed in
    raw: bytes = b""
