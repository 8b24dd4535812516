"""Registers <-> typed values for a `Point`: int16/uint16/int32/uint32/float32/string/bool,
byte order within a register, word order across registers, and scale. Pure functions.
"""

from __future__ import annotations

import math
import struct

from .errors import ValueOutOfRange
from .profile import Point, PointType

_STRUCT = {PointType.INT16: ">h", PointType.UINT16: ">H", PointType.INT32: ">i",
           PointType.UINT32: ">I", PointType.FLOAT32: ">f"}
_LIMITS = {PointType.INT16: (-0x8000, 0x7FFF), PointType.UINT16: (0, 0xFFFF),
           PointType.INT32: (-0x80000000, 0x7FFFFFFF), PointType.UINT32: (0, 0xFFFFFFFF)}

Value = bool | int | float | str


def _to_registers(data: bytes, point: Point, *, words: bool = True) -> list[int]:
    regs = [int.from_bytes(data[i:i + 2], point.byte_order) for i in range(0, len(data), 2)]
    if words and point.word_order == "little":
        regs.reverse()
    return regs


def _from_registers(regs: list[int], point: Point, *, words: bool = True) -> bytes:
    ordered = list(reversed(regs)) if words and point.word_order == "little" else regs
    return b"".join(r.to_bytes(2, point.byte_order) for r in ordered)


def _scaled(raw: int | float, scale: float) -> int | float:
    if scale == 1:
        return raw
    # Round to the scale's precision so 1250 * 0.001 reads 1.25, not 1.2500000000000002.
    digits = max(0, -math.floor(math.log10(abs(scale)))) + 3
    return round(raw * scale, digits)


def decode(point: Point, raw: list[int] | list[bool]) -> Value:
    """The engineering value of `point` from exactly `point.count` registers or bits."""
    if point.type is PointType.BOOL:
        return bool(raw[0])
    regs = [int(r) & 0xFFFF for r in raw]
    if point.type is PointType.STRING:
        data = _from_registers(regs, point, words=False)
        return data.rstrip(b"\x00 ").decode("latin-1")
    (value,) = struct.unpack(_STRUCT[point.type], _from_registers(regs, point))
    if point.type is PointType.FLOAT32:
        # A float32 carries ~7 significant digits; don't show the float64 widening noise.
        value = float(f"{value:.7g}")
    return _scaled(value, point.scale)


def encode(point: Point, value: Value) -> list[int] | list[bool]:
    """Registers (or bits) to write for `value`; raises ValueOutOfRange when it cannot fit."""
    if point.type is PointType.BOOL:
        if not isinstance(value, bool | int) or value not in (0, 1):
            raise ValueOutOfRange(f"point {point.name!r} takes true or false, not {value!r}")
        return [bool(value)]
    if point.type is PointType.STRING:
        return _encode_string(point, value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueOutOfRange(f"point {point.name!r} takes a number, not {value!r}")
    raw: int | float = value / point.scale if point.scale != 1 else value
    if point.type is PointType.FLOAT32:
        return _to_registers(struct.pack(">f", raw), point)
    raw = round(raw)
    low, high = _LIMITS[point.type]
    if not low <= raw <= high:
        span = f"{_scaled(low, point.scale)}..{_scaled(high, point.scale)}"
        raise ValueOutOfRange(f"point {point.name!r} ({point.type.value}) takes {span}, "
                              f"not {value!r}")
    return _to_registers(struct.pack(_STRUCT[point.type], raw), point)


def _encode_string(point: Point, value: Value) -> list[int]:
    if not isinstance(value, str):
        raise ValueOutOfRange(f"point {point.name!r} takes text, not {value!r}")
    try:
        data = value.encode("ascii")
    except UnicodeEncodeError:
        raise ValueOutOfRange(f"point {point.name!r} takes ASCII text, not {value!r}") from None
    if len(data) > point.length * 2:
        raise ValueOutOfRange(f"point {point.name!r} holds {point.length * 2} characters, "
                              f"{value!r} has {len(data)}")
    return _to_registers(data.ljust(point.length * 2, b"\x00"), point, words=False)


def changed(point: Point, old: Value | None, new: Value) -> bool:
    """Whether `new` is worth an event: any change, or beyond the deadband for numbers."""
    if old is None or not point.deadband or isinstance(new, bool | str):
        return old != new
    return abs(float(new) - float(old)) >= point.deadband  # type: ignore[arg-type]
