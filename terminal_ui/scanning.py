"""Scanner and key input for handhelds, read at app level: no I/O, no widgets.

A keyboard-wedge scanner types a code's characters and then CR, LF or CR LF, faster than any person
(< 5 ms a code). Every key goes into one buffer until a terminator; the finished frame goes through
the serial scanners' own decoder (`devices.scanner`: control bytes, AIM identifiers, GS1 element
strings via biip), so a handheld reads a code exactly as a fixed scanner would. A person's digits
and Enter arrive the same way and are told apart by the screen that asked for a number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from devices.scanner import ScanDecoder, ScanError, ScannerConfig

TERMINATOR_KEYS = frozenset({"enter", "ctrl+m", "ctrl+j"})  # CR, and LF as terminals report it
LF_KEY = "ctrl+j"
COMMAND_KEYS = frozenset({"escape", "f1", "f2", "f3", "f4"})
MAX_FRAME = 512
MAX_KEYED_DIGITS = 5  # a keyed quantity; longer digit strings are barcodes (EAN-8 and up)


@dataclass(frozen=True)
class Entry:
    """One terminated input: a scan, or digits keyed and Enter."""

    text: str
    gtin: str | None = None
    lot: str | None = None
    expiry: dt.date | None = None

    @property
    def number(self) -> int | None:
        """The keyed quantity this entry stands for, if it is one."""
        if self.text.isdigit() and len(self.text) <= MAX_KEYED_DIGITS:
            return int(self.text)
        return None


@dataclass(frozen=True)
class Unreadable:
    """A frame that is not a code: line noise, a control byte, a code too long, bad GS1 data."""

    message: str


@dataclass(frozen=True)
class Command:
    """Enter on an empty line, Esc, F1-F4."""

    key: str


Input = Entry | Unreadable | Command


def decode(frame: str) -> Entry | Unreadable:
    decoder = ScanDecoder(ScannerConfig(terminators=(b"\r",), max_frame=MAX_FRAME))
    items = decoder.feed(frame.encode("utf-8", "surrogateescape") + b"\r")
    if not items:
        return Unreadable("an empty scan: scan again")
    item = items[-1]
    if isinstance(item, ScanError):
        return Unreadable(f"unreadable scan ({item}): scan again")
    gs1 = item.gs1
    if gs1 is None:
        return Entry(item.data)
    return Entry(item.data, gs1.gtin, gs1.lot, gs1.expiry)


class KeyBuffer:
    """Keys in, inputs out. Bounded: a burst without terminator is dropped up to the next one."""

    def __init__(self, max_frame: int = MAX_FRAME):
        self.max_frame = max_frame
        self._chars: list[str] = []
        self._overflow = False
        self._after_cr = False  # a scan just ended with CR: an LF now is the rest of its CR LF

    @property
    def pending(self) -> str:
        return "".join(self._chars)

    def key(self, key: str, character: str | None) -> list[Input]:
        after_cr, self._after_cr = self._after_cr, False
        if key == LF_KEY and after_cr:
            return []  # not an Enter of its own: it would acknowledge the refusal of the scan it ends
        if key in TERMINATOR_KEYS:
            self._after_cr = key != LF_KEY and bool(self._chars)
            return self._terminate()
        if key in COMMAND_KEYS:
            self._clear()
            return [Command(key)]
        if key == "backspace":
            if self._chars:
                self._chars.pop()
            return []
        if character:
            if len(self._chars) >= self.max_frame:
                self._overflow = True
            else:
                self._chars.append(character)
        return []

    def _terminate(self) -> list[Input]:
        frame, overflow = self.pending, self._overflow
        self._clear()
        if overflow:
            return [Unreadable(f"a scan longer than {self.max_frame} characters with no end: scan again")]
        if not frame:
            return [Command("enter")]
        return [decode(frame)]

    def _clear(self) -> None:
        self._chars.clear()
        self._overflow = False


def same_gtin(a: str, b: str) -> bool:
    """EAN-13 4600000000011 and GTIN-14 04600000000011 are the same product."""
    return a.isdigit() and b.isdigit() and a.lstrip("0") == b.lstrip("0")


def matches(entry: Entry, sku: str, barcodes: list[str]) -> bool:
    """Is this scan the product `sku`: its code, one of its barcodes, or a GS1 string with its GTIN?"""
    if entry.text == sku or entry.text in barcodes:
        return True
    gtin = entry.gtin or (entry.text if entry.text.isdigit() else None)
    return gtin is not None and any(same_gtin(gtin, code) for code in barcodes)
