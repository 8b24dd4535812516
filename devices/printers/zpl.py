"""The shipment label as ZPL II, for a 4 x 6 inch label at 203 dpi. Pure: data in, text out.

The SSCC is a GS1-128 barcode (`^BC` in Code 128 subset C, `>;`, with FNC1 `>8` ahead of AI 00),
so a scanner reads `]C100` + the 18 digits; the human-readable `(00) ...` is printed beneath.
Every text field goes through `^FH` hex escapes, so an order id or a pickup point name can never
inject a ZPL command (`^`, `~`) or break the format.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import LabelError

WIDTH, LENGTH = 812, 1218  # dots: 4 x 6 in at 8 dots/mm
MARGIN = 40
_PLAIN = frozenset(range(0x20, 0x7F)) - {ord("^"), ord("~"), ord("\\"), ord("_")}


@dataclass(frozen=True)
class ShipmentLabel:
    sscc: str
    shipment_id: str
    order_id: str
    warehouse: str
    pickup_point: str | None = None
    route: str | None = None
    stop: int | None = None
    vehicle: str | None = None  # the van the route is driven by

    def __post_init__(self) -> None:
        if not (len(self.sscc) == 18 and self.sscc.isascii() and self.sscc.isdigit()):
            raise LabelError(f"an SSCC is 18 digits, got {self.sscc!r}")


def field_text(text: str) -> str:
    """`text` for a `^FH_` field: UTF-8 bytes outside plain ASCII (and ZPL's own control
    characters) as `_XX` hex escapes."""
    return "".join(chr(b) if b in _PLAIN else f"_{b:02X}" for b in text.encode("utf-8"))


def _text(x: int, y: int, height: int, text: str) -> str:
    return f"^FO{x},{y}^A0N,{height},{height}^FH_^FD{field_text(text)}^FS"


def _fitting(text: str, height: int) -> int:
    """The largest font height up to `height` at which `text` fits the printable width (`^A0`
    glyphs are at most about 0.75 of their height wide)."""
    return max(1, min(height, int((WIDTH - 2 * MARGIN) / (0.75 * max(1, len(text))))))


def render(label: ShipmentLabel) -> str:
    lines = [
        "^XA", "^CI28", f"^PW{WIDTH}", f"^LL{LENGTH}",
        _text(40, 40, 34, f"FROM {label.warehouse}"),
        "^FO40,90^GB732,3,3^FS",
        _text(40, 120, 40, "SHIP TO PICKUP POINT"),
        _text(40, 170, 80, label.pickup_point or "(no pickup point)"),
    ]
    if label.route:
        stop = f"  STOP {label.stop}" if label.stop is not None else ""
        # Loaders sort by van and stop, read from a distance; the route id (up to 64 characters)
        # is for the scanner-less lookup, small enough to fit the label's width.
        if label.vehicle:
            lines.append(_text(40, 262, 50, f"{label.vehicle}{stop}"))
        route = f"ROUTE {label.route}{stop}"
        lines.append(_text(40, 318, _fitting(route, 22), route))
    lines += [
        _text(40, 350, 40, f"ORDER {label.order_id}"),
        _text(40, 400, 30, f"SHIPMENT {label.shipment_id}"),
        "^FO40,460^GB732,3,3^FS",
        _text(40, 490, 30, "SSCC"),
        f"^FO60,540^BY3^BCN,260,N,N,N^FD>;>800{label.sscc}^FS",
        _text(60, 830, 44, f"(00) {label.sscc}"),
        "^XZ",
    ]
    return "\n".join(lines) + "\n"
