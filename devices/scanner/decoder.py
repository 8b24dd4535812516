"""The scanner protocol core: bytes in, scan events out. No I/O, no clock.

    config = ScannerConfig(prefix=b"\\x02", terminators=(b"\\x03",))
    decoder = ScanDecoder(config, scan_point="pack-3")
    for item in decoder.feed(chunk, at=now):
        ...  # ScanEvent, or a ScanError subclass describing a bad frame

`feed` returns nothing until a frame is complete, so it can be given a frame whole, in halves
or byte by byte. Three states, like a framer:

    HUNT     waiting for the prefix (only when one is configured); bytes before it are garbage
    FRAME    collecting bytes up to a terminator, at most `max_frame` of them
    DISCARD  a frame overran the bound: drop everything up to the next terminator
"""

from __future__ import annotations

from enum import Enum

from biip import ParseError
from biip.symbology import GS1Symbology, SymbologyIdentifier

from .config import AimMode, ScannerConfig
from .errors import BadGs1Data, FrameCutOff, FrameTooLong, GarbledFrame, MissingAffix, ScanError
from .events import ScanEvent
from .gs1 import Gs1Invalid, parse_element_strings, parse_gtin

# Bytes a barcode can carry besides printable ASCII: GS (FNC1), RS and EOT (ISO/IEC 15434).
_CONTROL_OK = frozenset(b"\x1d\x1e\x04")
_GTIN_SYMBOLOGIES = frozenset({GS1Symbology.EAN_13, GS1Symbology.EAN_8, GS1Symbology.ITF_14})


class _State(Enum):
    HUNT = "hunt"
    FRAME = "frame"
    DISCARD = "discard"


class ScanDecoder:
    def __init__(self, config: ScannerConfig | None = None, *, scan_point: str = "") -> None:
        self.config = config or ScannerConfig()
        self.scan_point = scan_point
        self._start = _State.HUNT if self.config.prefix else _State.FRAME
        self._state = self._start
        self._buf = bytearray()
        self._handlers = {
            _State.HUNT: self._hunt,
            _State.FRAME: self._frame,
            _State.DISCARD: self._discard,
        }

    @property
    def pending(self) -> int:
        """Bytes held back waiting for the rest of a frame."""
        return len(self._buf)

    def feed(self, data: bytes, at: float = 0.0) -> list[ScanEvent | ScanError]:
        self._buf += data
        out: list[ScanEvent | ScanError] = []
        # Each handler consumes from the buffer and returns False when it needs more data.
        while self._buf and self._handlers[self._state](out, at):
            pass
        return out

    def flush(self, at: float = 0.0) -> list[ScanError]:
        """The stream ended (port closed or unplugged): report a partial frame and reset."""
        partial = bytes(self._buf)
        in_frame = self._state is _State.FRAME and partial.strip(b"".join(self.config.terminators))
        self._buf.clear()
        self._state = self._start
        if in_frame:
            return [self._error(FrameCutOff, "the port closed in the middle of a frame; "
                                "scan the item again", partial, at)]
        return []

    # --- state handlers -------------------------------------------------------------------

    def _hunt(self, out: list, at: float) -> bool:
        prefix = self.config.prefix
        idx = self._buf.find(prefix)
        if idx < 0:
            # Keep a tail that may be the start of a split prefix; the rest is garbage.
            keep = len(prefix) - 1
            self._drop_garbage(len(self._buf) - keep, out, at)
            return False
        self._drop_garbage(idx, out, at)
        del self._buf[: len(prefix)]
        self._state = _State.FRAME
        return True

    def _frame(self, out: list, at: float) -> bool:
        pos, term_len = self._find_terminator()
        if pos < 0:
            if len(self._buf) > self.config.max_frame + len(self.config.suffix):
                out.append(self._too_long(at))
                self._buf.clear()
                self._state = _State.DISCARD
            return False
        frame = bytes(self._buf[:pos])
        del self._buf[: pos + term_len]
        self._state = self._start
        if self.config.prefix and (restart := frame.rfind(self.config.prefix)) >= 0:
            # A lost terminator glued two frames: keep only the newest, report the rest.
            out.append(self._error(GarbledFrame, "frame interrupted by a new prefix; "
                                   "expected a terminator first", frame[:restart], at))
            frame = frame[restart + len(self.config.prefix):]
        if frame:
            out.append(self._decode_frame(frame, at))
        return True

    def _discard(self, out: list, at: float) -> bool:
        pos, term_len = self._find_terminator()
        if pos < 0:
            # A multi-byte terminator may be split across reads: keep its possible start.
            longest = max(len(t) for t in self.config.terminators)
            del self._buf[: max(0, len(self._buf) - (longest - 1))]
            return False
        del self._buf[: pos + term_len]
        self._state = self._start
        return True

    # --- helpers ----------------------------------------------------------------------------

    def _find_terminator(self) -> tuple[int, int]:
        """Earliest terminator in the buffer; at a tie the longest (so CRLF beats CR)."""
        best, best_len = -1, 0
        for term in self.config.terminators:
            pos = self._buf.find(term)
            if pos >= 0 and (best < 0 or pos < best or (pos == best and len(term) > best_len)):
                best, best_len = pos, len(term)
        return best, best_len

    def _drop_garbage(self, count: int, out: list, at: float) -> None:
        if count <= 0:
            return
        garbage = bytes(self._buf[:count])
        del self._buf[:count]
        if garbage.strip(b"".join(self.config.terminators) + b" \t"):
            out.append(self._error(GarbledFrame, f"{len(garbage)} bytes before the prefix "
                                   f"{self.config.prefix!r}; expected frames to start with it",
                                   garbage, at))

    def _too_long(self, at: float) -> ScanError:
        return self._error(
            FrameTooLong,
            f"no terminator within {self.config.max_frame} bytes; check the scanner's "
            f"terminator setting (expected one of {list(self.config.terminators)})",
            bytes(self._buf[:64]), at,
        )

    def _error(self, kind: type[ScanError], message: str, raw: bytes, at: float) -> ScanError:
        return kind(message, raw=raw, scan_point=self.scan_point, at=at)

    def _decode_frame(self, frame: bytes, at: float) -> ScanEvent | ScanError:
        raw = frame
        suffix = self.config.suffix
        if suffix:
            if not frame.endswith(suffix):
                return self._error(MissingAffix, f"frame does not end with the suffix {suffix!r}",
                                   raw, at)
            frame = frame[: -len(suffix)]
        if len(frame) > self.config.max_frame:
            return self._too_long(at)
        if bad := [b for b in frame if (b < 0x20 and b not in _CONTROL_OK) or b == 0x7F]:
            return self._error(GarbledFrame, f"control byte 0x{bad[0]:02x} inside a barcode; "
                               "check baud rate and wiring", raw, at)
        if not any(0x20 < b < 0x7F for b in frame):
            return self._error(GarbledFrame, "a frame with no printable data; check baud rate "
                               "and wiring", raw, at)
        try:
            text = frame.decode(self.config.encoding)
        except UnicodeDecodeError:
            return self._error(GarbledFrame, f"bytes that are not {self.config.encoding}; "
                               "check baud rate and wiring", raw, at)
        return self._scan(text, raw, at)

    def _scan(self, text: str, raw: bytes, at: float) -> ScanEvent | ScanError:
        aim, symbology, gs1_kind = "", "", None
        if self.config.aim is not AimMode.OFF and text.startswith("]") and len(text) >= 3:
            try:
                ident = SymbologyIdentifier.extract(text)
            except ParseError as exc:
                return self._error(GarbledFrame, f"unknown AIM identifier: {exc}", raw, at)
            aim, symbology, gs1_kind = ident.value, ident.iso_symbology.name, ident.gs1_symbology
            text = text[len(aim):]
            if gs1_kind is not None:
                symbology = gs1_kind.name
        elif self.config.aim is AimMode.REQUIRED:
            return self._error(MissingAffix, "no AIM symbology identifier (like ]C1); enable "
                               "AIM ids on the scanner or set aim = 'auto'", raw, at)
        try:
            gs1 = self._gs1(text, gs1_kind)
        except Gs1Invalid as exc:
            return self._error(BadGs1Data, f"{symbology or 'GS1'} barcode {text!r}: {exc}", raw, at)
        return ScanEvent(self.scan_point, symbology, text, aim, gs1, at, raw)

    @staticmethod
    def _gs1(text: str, kind: GS1Symbology | None):
        if kind in GS1Symbology.with_gs1_messages():
            return parse_element_strings(text)
        if kind in _GTIN_SYMBOLOGIES:
            return parse_gtin(text)
        if kind is None and text.startswith("\x1d"):
            # No AIM id, but a leading FNC1 only ever starts a GS1 element string.
            return parse_element_strings(text)
        return None
