"""What a Zebra makes of the bytes it receives on port 9100: `~HS` host status queries (tilde
commands act at once, even between formats) and `^XA ... ^XZ` label formats. Bytes outside both
are dropped, as a printer ignores them. Pure: bytes in, items out; partial input is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_FORMAT = 1 << 20  # a label format bigger than this is noise; start over


@dataclass(frozen=True)
class StatusQuery:
    pass


@dataclass(frozen=True)
class LabelFormat:
    zpl: str


Item = StatusQuery | LabelFormat


class ZplStream:
    def __init__(self) -> None:
        self._buffer = b""

    def feed(self, data: bytes) -> list[Item]:
        self._buffer += data
        items: list[Item] = []
        while True:
            status, start = self._buffer.find(b"~HS"), self._buffer.find(b"^XA")
            if status >= 0 and (start < 0 or status < start):
                items.append(StatusQuery())
                self._buffer = self._buffer[status + 3:]
                continue
            if start < 0:
                self._buffer = self._buffer[-2:]  # may be the start of a command
                return items
            end = self._buffer.find(b"^XZ", start)
            if end < 0:
                if len(self._buffer) - start > MAX_FORMAT:
                    self._buffer = b""
                return items
            items.append(LabelFormat(self._buffer[start:end + 3].decode("utf-8", errors="replace")))
            self._buffer = self._buffer[end + 3:]


def scanned_barcodes(zpl: str) -> list[str]:
    """What a scanner reads from the Code 128 barcodes of a format: ZPL's `>;` (start subset C)
    vanishes and a leading FNC1 (`>8`) makes it GS1-128, read as `]C1`."""
    out = []
    for data in re.findall(r"\^BC[^\^]*\^FD(.*?)\^FS", zpl, flags=re.S):
        data = data.replace(">;", "").replace(">:", "")
        out.append("]C1" + data[2:].replace(">8", "\x1d") if data.startswith(">8") else data)
    return out
