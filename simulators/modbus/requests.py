"""What a PLC checks in a request before it touches its tables, as the Modbus application
protocol (v1.1b3, §6 and the state diagrams of §7) lays down. Pure: bytes in, a code out.

    refusal(bytes([4, 0, 0, 0, 0]))     -> 3   read input registers, quantity 0
    refusal(bytes([0x41, 0, 0]))        -> 1   a function the device does not implement
    refusal(bytes([3, 0, 0, 0, 6]))     -> None  well formed: the tables decide the rest

Addresses inside the range but outside the device's points are the device model's business
(`SimulatedDevice.read` answers 2 for them).
"""

from __future__ import annotations

import struct
from collections.abc import Callable

ILLEGAL_FUNCTION = 1
ILLEGAL_ADDRESS = 2
ILLEGAL_VALUE = 3

# Quantity limits per request (§6.1-6.17).
MAX_READ_BITS = 0x7D0
MAX_READ_REGISTERS = 0x7D
MAX_WRITE_BITS = 0x7B0
MAX_WRITE_REGISTERS = 0x7B
MAX_READ_WRITE_WRITES = 0x79

Check = Callable[[bytes], int | None]


def _span(address: int, quantity: int, limit: int) -> int | None:
    if not 1 <= quantity <= limit:
        return ILLEGAL_VALUE
    if address + quantity > 0x10000:
        return ILLEGAL_ADDRESS
    return None


def _read(limit: int) -> Check:
    def check(data: bytes) -> int | None:
        if len(data) != 4:
            return ILLEGAL_VALUE
        return _span(*struct.unpack(">HH", data), limit)

    return check


def _write_coil(data: bytes) -> int | None:
    if len(data) != 4 or data[2:] not in (b"\x00\x00", b"\xff\x00"):
        return ILLEGAL_VALUE
    return None


def _write_register(data: bytes) -> int | None:
    return None if len(data) == 4 else ILLEGAL_VALUE


def _write_many(limit: int, bytes_for: Callable[[int], int]) -> Check:
    def check(data: bytes) -> int | None:
        if len(data) < 5:
            return ILLEGAL_VALUE
        address, quantity, count = struct.unpack(">HHB", data[:5])
        if count != bytes_for(quantity) or len(data) != 5 + count:
            return ILLEGAL_VALUE
        return _span(address, quantity, limit)

    return check


def _mask_write(data: bytes) -> int | None:
    return None if len(data) == 6 else ILLEGAL_VALUE


def _read_write(data: bytes) -> int | None:
    if len(data) < 9:
        return ILLEGAL_VALUE
    r_address, r_quantity, w_address, w_quantity, count = struct.unpack(">HHHHB", data[:9])
    if count != 2 * w_quantity or len(data) != 9 + count:
        return ILLEGAL_VALUE
    return (_span(r_address, r_quantity, MAX_READ_REGISTERS)
            or _span(w_address, w_quantity, MAX_READ_WRITE_WRITES))


# The functions the simulated devices implement; any other code is answered "illegal function".
CHECKS: dict[int, Check] = {
    1: _read(MAX_READ_BITS),
    2: _read(MAX_READ_BITS),
    3: _read(MAX_READ_REGISTERS),
    4: _read(MAX_READ_REGISTERS),
    5: _write_coil,
    6: _write_register,
    15: _write_many(MAX_WRITE_BITS, lambda n: (n + 7) // 8),
    16: _write_many(MAX_WRITE_REGISTERS, lambda n: 2 * n),
    22: _mask_write,
    23: _read_write,
}


def refusal(pdu: bytes) -> int | None:
    """The exception code a PLC answers `pdu` (function code + data) with; None if well formed."""
    check = CHECKS.get(pdu[0]) if pdu else None
    return ILLEGAL_FUNCTION if check is None else check(pdu[1:])
