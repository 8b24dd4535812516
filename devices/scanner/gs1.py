"""GS1 element strings (GS1-128, GS1 DataMatrix, GS1 QR, DataBar) and plain GTINs, via `biip`."""

from __future__ import annotations

from biip import ParseError
from biip.gs1_messages import GS1Message
from biip.gtin import Gtin

from .events import Gs1Fields

GS = "\x1d"  # what scanners send for FNC1 between variable-length fields


class Gs1Invalid(ValueError):
    """The data is not a valid GS1 element string or GTIN; the message says why."""


def parse_element_strings(data: str) -> Gs1Fields:
    """Parse FNC1/GS-separated element strings into the fields the floor uses."""
    # Some scanners also transmit the leading FNC1 (start of a GS1 symbol) as GS.
    body = data.lstrip(GS)
    try:
        message = GS1Message.parse(body)
    except ParseError as exc:
        raise Gs1Invalid(str(exc)) from exc
    fields: dict = {}
    elements = []
    for element in message.element_strings:
        ai = element.ai.ai
        elements.append((ai, element.value))
        for error in (element.gtin_error, element.sscc_error):
            if error:
                raise Gs1Invalid(error)
        if ai in {"01", "02"}:
            fields["gtin"] = element.value
        elif ai == "10":
            fields["lot"] = element.value
        elif ai == "17":
            fields["expiry"] = element.date
        elif ai == "15":
            fields["best_before"] = element.date
        elif ai == "21":
            fields["serial"] = element.value
        elif ai == "00":
            fields["sscc"] = element.value
        elif ai.startswith("310"):
            fields["net_weight_kg"] = element.decimal
    return Gs1Fields(elements=tuple(elements), **fields)


def parse_gtin(data: str) -> Gs1Fields:
    """A linear retail code (EAN-13/8, UPC-A/E, ITF-14): the whole data is one GTIN."""
    try:
        gtin = Gtin.parse(data)
    except ParseError as exc:
        raise Gs1Invalid(str(exc)) from exc
    return Gs1Fields(gtin=gtin.value, elements=(("01", gtin.as_gtin_14()),))
