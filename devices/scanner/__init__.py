"""Serial barcode scanners: a pure decoder (`ScanDecoder`) and an asyncio I/O layer (`ScannerHub`).

For the edge device hub:

    from devices.scanner import ScannerHub, ScannerPortConfig, ScannerConfig, ScanEvent
    hub = ScannerHub([ScannerPortConfig("pack-07", "/dev/serial/by-id/...", baudrate=9600,
                                        decoder=ScannerConfig(prefix=b"", aim=AimMode.AUTO))])
    await hub.start()
    while True:
        item = await hub.events.get()   # ScanEvent | ScanError | PortStatus

`ScanEvent(scan_point, symbology, data, aim, gs1: Gs1Fields | None, at, raw)`; GS1 fields are
gtin, lot, expiry, best_before, serial, sscc, net_weight_kg and every (AI, value) pair.
"""

from .config import AimMode, ScannerConfig
from .decoder import ScanDecoder
from .errors import (
    BadGs1Data,
    FrameCutOff,
    FrameTooLong,
    GarbledFrame,
    LocalScannerError,
    MissingAffix,
    PortUnavailable,
    ScanError,
    ScannerConfigError,
    ScannerError,
)
from .events import Gs1Fields, ScanEvent
from .hub import ScannerHub
from .port import PortHealth, PortStatus, ScanItem, ScannerPort, ScannerPortConfig

__all__ = [
    "AimMode",
    "BadGs1Data",
    "FrameCutOff",
    "FrameTooLong",
    "GarbledFrame",
    "Gs1Fields",
    "LocalScannerError",
    "MissingAffix",
    "PortHealth",
    "PortStatus",
    "PortUnavailable",
    "ScanDecoder",
    "ScanError",
    "ScanEvent",
    "ScanItem",
    "ScannerConfig",
    "ScannerConfigError",
    "ScannerError",
    "ScannerHub",
    "ScannerPort",
    "ScannerPortConfig",
]
