"""Network label printers: the SSCC, the shipment label as ZPL, the Zebra host status, and a
raw TCP 9100 client (pure cores plus a thin I/O layer; see each module)."""

from .client import LabelPrinter
from .errors import (
    LabelError,
    PrinterError,
    PrinterGarbage,
    PrinterNotReady,
    PrinterUnreachable,
    RemotePrinterError,
)
from .sscc import build_sscc, check_prefix, max_serial, sscc_from_scan
from .status import HostStatus, decode_host_status, encode_host_status
from .zpl import ShipmentLabel, render

__all__ = [
    "HostStatus",
    "LabelError",
    "LabelPrinter",
    "PrinterError",
    "PrinterGarbage",
    "PrinterNotReady",
    "PrinterUnreachable",
    "RemotePrinterError",
    "ShipmentLabel",
    "build_sscc",
    "check_prefix",
    "decode_host_status",
    "encode_host_status",
    "max_serial",
    "render",
    "sscc_from_scan",
]
