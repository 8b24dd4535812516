"""What a configured scanner puts on the wire for one barcode."""

from __future__ import annotations

from dataclasses import dataclass


def unescape(text: str) -> bytes:
    """`\\r`, `\\x1d` and friends as written on a command line or in a script file."""
    return text.encode("latin-1").decode("unicode_escape").encode("latin-1")


@dataclass(frozen=True)
class FrameFormat:
    terminator: bytes = b"\r\n"
    prefix: bytes = b""
    suffix: bytes = b""
    aim: str = ""  # e.g. "]C1": sent before the data, as a scanner with AIM ids enabled does

    def frame(self, barcode: str) -> bytes:
        """`barcode` may start with its own AIM id (a script line like `]E05901234123457`)."""
        aim = "" if barcode.startswith("]") else self.aim
        body = (aim + barcode).encode("latin-1")
        return self.prefix + body + self.suffix + self.terminator
