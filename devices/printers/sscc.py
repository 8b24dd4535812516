"""SSCC (GS1 Serial Shipping Container Code, AI 00): 18 digits = extension digit + the
warehouse's GS1 company prefix + serial reference + GS1 mod-10 check digit. Pure.

    build_sscc(1, "0614141", 123456789)      -> "106141411234567897"
    sscc_from_scan("]C100106141411234567897") -> "106141411234567897"  (what a scanner reads)
"""

from __future__ import annotations

from biip import ParseError, parse
from biip.checksums import gs1_standard_check_digit
from biip.gs1_messages import GS1Message

from .errors import LabelError

PAYLOAD_DIGITS = 16  # company prefix + serial reference


def check_prefix(company_prefix: str) -> None:
    """GS1 company prefixes are 6 to 12 digits; raises LabelError naming what is wrong."""
    if not (company_prefix.isascii() and company_prefix.isdigit() and 6 <= len(company_prefix) <= 12):
        raise LabelError(f"GS1 company prefix {company_prefix!r} must be 6 to 12 digits "
                         "(as GS1 assigned it to the company)")


def max_serial(company_prefix: str) -> int:
    """The largest serial reference that fits beside `company_prefix`."""
    check_prefix(company_prefix)
    return 10 ** (PAYLOAD_DIGITS - len(company_prefix)) - 1


def build_sscc(extension: int, company_prefix: str, serial: int) -> str:
    if isinstance(extension, bool) or not isinstance(extension, int) or not 0 <= extension <= 9:
        raise LabelError(f"SSCC extension digit must be 0..9, got {extension!r}")
    most = max_serial(company_prefix)
    if isinstance(serial, bool) or not isinstance(serial, int) or not 0 <= serial <= most:
        raise LabelError(f"SSCC serial reference {serial!r} is outside 0..{most} for company prefix "
                         f"{company_prefix}: every serial of extension digit {extension} is used; "
                         "configure another extension digit")
    payload = f"{extension}{company_prefix}{serial:0{PAYLOAD_DIGITS - len(company_prefix)}d}"
    return f"{payload}{gs1_standard_check_digit(payload)}"


def sscc_from_scan(text: str) -> str | None:
    """The SSCC in a scan — 18 digits, a GS1 element string with AI 00 (with or without a
    symbology identifier), or human-readable `(00) ...` — or None if it holds no valid SSCC."""
    text = text.strip()
    try:
        if text.startswith("("):
            message = GS1Message.parse_hri(text.replace(" ", ""))
        else:
            result = parse(text)
            if result.sscc is not None:
                return result.sscc.value
            message = result.gs1_message
    except (ParseError, ValueError):
        return None
    if message is None:
        return None
    for element in message.element_strings:
        if element.ai.ai == "00" and element.sscc is not None:
            return element.sscc.value
    return None
