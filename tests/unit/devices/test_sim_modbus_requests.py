"""The simulator's PLC request checks (Modbus application protocol §6), byte by byte."""

from __future__ import annotations

import struct

import pytest
from pymodbus.framer.rtu import FramerRTU

from simulators.modbus.decoder import silence_framed_size
from simulators.modbus.requests import ILLEGAL_ADDRESS, ILLEGAL_FUNCTION, ILLEGAL_VALUE, refusal


def pdu(function: int, fmt: str = "", *values) -> bytes:
    return bytes([function]) + struct.pack(">" + fmt, *values)


@pytest.mark.parametrize(("request_pdu", "expected"), [
    (pdu(3, "HH", 0, 1), None),
    (pdu(3, "HH", 0, 125), None),
    (pdu(3, "HH", 0, 0), ILLEGAL_VALUE),
    (pdu(4, "HH", 0, 126), ILLEGAL_VALUE),
    (pdu(1, "HH", 0, 2000), None),
    (pdu(2, "HH", 0, 2001), ILLEGAL_VALUE),
    (pdu(4, "HH", 0xFFFF, 2), ILLEGAL_ADDRESS),
    (pdu(4, "H", 0), ILLEGAL_VALUE),  # truncated
    (pdu(5, "HH", 0, 0xFF00), None),
    (pdu(5, "HH", 0, 0x1234), ILLEGAL_VALUE),
    (pdu(6, "HH", 7, 0xBEEF), None),
    (pdu(16, "HHBHH", 0, 2, 4, 1, 2), None),
    (pdu(16, "HHB", 0, 0, 0), ILLEGAL_VALUE),
    (pdu(16, "HHBHH", 0, 2, 3, 1, 2), ILLEGAL_VALUE),  # byte count disagrees
    (pdu(16, "HHB", 0, 124, 248) + bytes(248), ILLEGAL_VALUE),
    (pdu(15, "HHBB", 0, 8, 1, 0xFF), None),
    (pdu(15, "HHBB", 0, 9, 1, 0xFF), ILLEGAL_VALUE),
    (pdu(22, "HHH", 0, 0xFF, 0), None),
    (pdu(23, "HHHHBH", 0, 2, 10, 1, 2, 5), None),
    (pdu(23, "HHHHBH", 0, 0, 10, 1, 2, 5), ILLEGAL_VALUE),
    (pdu(0x41, "H", 0), ILLEGAL_FUNCTION),
    (pdu(8, "HH", 0, 0x1234), ILLEGAL_FUNCTION),  # diagnostics: not implemented by these PLCs
    (pdu(0x84, "B", 3), ILLEGAL_FUNCTION),  # an exception reply is no request
    (b"", ILLEGAL_FUNCTION),
])
def test_refusal(request_pdu: bytes, expected: int | None):
    assert refusal(request_pdu) == expected


def test_rtu_frame_of_an_unknown_function_is_found_by_its_crc():
    body = bytes([1, 0x41, 0, 0])
    whole = body + FramerRTU.compute_CRC(body).to_bytes(2, "big")
    assert silence_framed_size(whole + b"\x99\x98") == len(whole)
    assert silence_framed_size(whole[:-1]) == 0  # half a frame: wait for the rest
    assert silence_framed_size(body * 4) == 0  # no CRC anywhere: noise
