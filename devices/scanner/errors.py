"""Scanner errors: local (our configuration or host) and remote (what the scanner sent).

Remote errors are returned by `ScanDecoder.feed` next to scan events, as values, never raised:
one bad frame must not stop the stream. Local errors are raised where they happen.
"""

from __future__ import annotations


class ScannerError(Exception):
    """Base of every scanner error; the message says what, where and what was expected."""

    def __init__(self, message: str, *, scan_point: str = "") -> None:
        self.scan_point = scan_point
        where = f"scan point {scan_point!r}: " if scan_point else ""
        super().__init__(where + message)
        self.detail = message


class LocalScannerError(ScannerError):
    """We broke it: bad configuration, a port we cannot open."""


class ScannerConfigError(LocalScannerError):
    """The scanner configuration is inconsistent."""


class PortUnavailable(LocalScannerError):
    """The serial port path does not exist or cannot be opened (unplugged, wrong path, busy)."""


class ScanError(ScannerError):
    """Remote: the scanner sent a frame we cannot turn into a scan. Returned, not raised."""

    def __init__(self, message: str, *, raw: bytes = b"", scan_point: str = "", at: float = 0.0):
        super().__init__(message, scan_point=scan_point)
        self.raw = raw
        self.at = at

    def __eq__(self, other: object) -> bool:
        return (
            type(other) is type(self)
            and other.detail == self.detail  # type: ignore[attr-defined]
            and other.raw == self.raw  # type: ignore[attr-defined]
        )

    def __hash__(self) -> int:
        return hash((type(self), self.detail, self.raw))


class FrameTooLong(ScanError):
    """More bytes than the frame bound arrived without a terminator."""


class GarbledFrame(ScanError):
    """A frame holds bytes no barcode carries (line noise, wrong baud rate)."""


class MissingAffix(ScanError):
    """The configured prefix or suffix is missing around a frame."""


class BadGs1Data(ScanError):
    """The symbology says GS1, but the element string does not parse."""


class FrameCutOff(ScanError):
    """The port vanished in the middle of a frame; the partial frame is not trusted."""
