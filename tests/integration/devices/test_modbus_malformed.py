"""`sklad-sim modbus` answers malformed requests as a PLC does, over TCP and RTU (raw bytes on
the socket and on the serial line), and the hub's handling of those answers against it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import struct

import pytest
from device_helpers import drain, wait_until
from pymodbus.framer.rtu import FramerRTU

from devices.modbus import (
    DeviceConfig,
    DeviceException,
    ModbusHub,
    PointsRefused,
    RtuTransport,
    State,
    TcpTransport,
    load_profile,
)
from simulators.modbus.models import PutToLightSim, ScaleSim, SorterSim

# (request PDU, expected answer PDU)
CASES = [
    (bytes.fromhex("0400000000"), bytes.fromhex("8403")),  # read input registers, quantity 0
    (bytes.fromhex("040000007e"), bytes.fromhex("8403")),  # 126 registers: over the limit
    (bytes.fromhex("01000007d1"), bytes.fromhex("8103")),  # 2001 coils
    (bytes.fromhex("100000000000"), bytes.fromhex("9003")),  # write 0 registers
    (bytes.fromhex("0500001234"), bytes.fromhex("8503")),  # a coil is 0x0000 or 0xFF00
    (bytes.fromhex("410000"), bytes.fromhex("c101")),  # no such function
    (bytes.fromhex("0800001234"), bytes.fromhex("8801")),  # diagnostics: not implemented
    (bytes.fromhex("0400000002"), bytes.fromhex("040400000000")),  # well formed: weight 0
]


async def tcp_exchange(port: int, unit: int, pdu: bytes, tid: int) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(struct.pack(">HHHB", tid, 0, len(pdu) + 1, unit) + pdu)
        await writer.drain()
        header = await asyncio.wait_for(reader.readexactly(7), 2)
        got_tid, protocol, length, got_unit = struct.unpack(">HHHB", header)
        assert (got_tid, protocol, got_unit) == (tid, 0, unit)
        return await asyncio.wait_for(reader.readexactly(length - 1), 2)
    finally:
        writer.close()


def rtu_frame(unit: int, pdu: bytes) -> bytes:
    body = bytes([unit]) + pdu
    return body + FramerRTU.compute_CRC(body).to_bytes(2, "big")


async def rtu_exchange(fd: int, unit: int, pdu: bytes, answer_len: int, timeout: float = 2.0) -> bytes:
    os.write(fd, rtu_frame(unit, pdu))
    expected = answer_len + 3
    data = b""
    async with asyncio.timeout(timeout):
        while len(data) < expected:
            await asyncio.sleep(0.005)
            with contextlib.suppress(BlockingIOError):
                data += os.read(fd, 256)
    assert data == rtu_frame(unit, data[1:-2]), f"bad CRC or unit in {data.hex()}"
    return data[1:-2]


async def rtu_ready(fd: int, unit: int) -> None:
    """The server opens its end of the line a moment after start; bytes sent before are lost."""
    for _ in range(20):
        with contextlib.suppress(TimeoutError):
            await rtu_exchange(fd, unit, CASES[-1][0], len(CASES[-1][1]), timeout=0.25)
            return
    raise AssertionError("the RTU simulator never answered")


async def test_malformed_requests_over_tcp(sim):
    port = await sim.serve_tcp(ScaleSim("scale-1", noise_kg=0, settle=0))
    for tid, (pdu, answer) in enumerate(CASES, 1):
        assert await tcp_exchange(port, 1, pdu, tid) == answer, pdu.hex()


async def test_malformed_requests_over_rtu(sim):
    path = await sim.serve_rtu({3: ScaleSim("scale-3", noise_kg=0, settle=0)}, baudrate=38400)
    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
    try:
        await rtu_ready(fd, 3)
        for pdu, answer in CASES:
            assert await rtu_exchange(fd, 3, pdu, len(answer)) == answer, pdu.hex()
        # Another unit on the bus stays silent, malformed or not: only the addressee answers.
        os.write(fd, rtu_frame(9, bytes.fromhex("410000")))
        await asyncio.sleep(0.2)
        with pytest.raises(BlockingIOError):
            os.read(fd, 256)
        # Noise on the line costs at most the request it runs into; the master's retry is answered.
        os.write(fd, b"\x55\xaa\x00\xff")
        await asyncio.sleep(0.05)
        await rtu_ready(fd, 3)
        assert await rtu_exchange(fd, 3, CASES[0][0], 2) == CASES[0][1]
    finally:
        os.close(fd)


def sorter_config(port: int, **profile_changes) -> DeviceConfig:
    profile = dataclasses.replace(load_profile("sorter"), **profile_changes)
    return DeviceConfig("sorter-1", profile, TcpTransport("127.0.0.1", port), timeout=0.5)


async def test_hub_reports_exception_3_and_keeps_polling_the_other_points(sim):
    sorter = SorterSim("sorter-1")
    sorter.max_read_registers = 8  # its firmware reads 8 registers per request, not 125
    port = await sim.serve_tcp(sorter)
    async with ModbusHub([sorter_config(port)]) as hub:
        await wait_until(lambda: hub.health()["sorter-1"].refused, what="the refusal")
        before = hub.health()["sorter-1"].polls_ok
        sorter.estop(True)
        await wait_until(lambda: hub.value("sorter-1", "estop") is True, what="the discrete inputs")
        health = hub.health()["sorter-1"]
        assert health.state is State.UP and health.polls_ok > before
        assert hub.value("sorter-1", "speed") is not None  # the slow group is read too
        assert hub.value("sorter-1", "confirm_seq") is None  # never read: refused
        reason = health.refused["confirm_seq"]
        assert "sorter-1" in reason and "exception 3 (illegal data value)" in reason
        assert "fc 4" in reason and "input 0..11" in reason and "max_read_registers" in reason
        refusals = [e for e in drain(hub.events) if isinstance(e, PointsRefused)]
        assert len(refusals) == 1 and "confirm_seq" in refusals[0].points  # told once
        # The profile says what the firmware reads: the planner splits, everything is read.
    async with ModbusHub([sorter_config(port, max_read_registers=8)]) as hub:
        await wait_until(lambda: hub.value("sorter-1", "confirm_seq") is not None, what="split reads")
        assert not hub.health()["sorter-1"].refused and hub.health()["sorter-1"].state is State.UP


async def test_hub_over_rtu_recovers_when_the_device_reads_again(sim):
    sorter = SorterSim("sorter-1")
    sorter.max_read_registers = 8
    path = await sim.serve_rtu({1: sorter}, baudrate=38400)
    config = DeviceConfig("sorter-1", load_profile("sorter"), RtuTransport(path, 38400), timeout=0.5)
    async with ModbusHub([config]) as hub:
        await wait_until(lambda: hub.health()["sorter-1"].refused, what="the refusal")
        assert hub.value("sorter-1", "running") is True
        sorter.max_read_registers = 125  # the PLC program was updated
        await wait_until(lambda: not hub.health()["sorter-1"].refused, what="reads again")
        assert hub.value("sorter-1", "confirm_seq") == 0
        refusals = [e for e in drain(hub.events) if isinstance(e, PointsRefused)]
        assert [bool(e.reason) for e in refusals] == [True, False]


async def test_a_refused_write_is_answered_to_the_caller_and_the_device_stays_in_service(sim):
    ptl = PutToLightSim("ptl-1")
    port = await sim.serve_tcp(ptl)
    profile = load_profile("put_to_light")
    # The profile names a setpoint this firmware does not have: the device answers exception 2.
    extra = dataclasses.replace(profile.point("display_qty"), name="brightness", address=60, poll="")
    profile = dataclasses.replace(profile, points={**profile.points, "brightness": extra})
    config = DeviceConfig("ptl-1", profile, TcpTransport("127.0.0.1", port), timeout=0.5)
    async with ModbusHub([config]) as hub:
        await wait_until(lambda: hub.value("ptl-1", "light") is not None, what="first poll")
        for _ in range(3):
            with pytest.raises(DeviceException) as info:
                await hub.write("ptl-1", "brightness", 5)
            assert info.value.refused and "illegal data address" in str(info.value)
            assert "check its profile against its manual" in str(info.value)
        await hub.write("ptl-1", "display_qty", 4)  # the rest works on
        health = hub.health()["ptl-1"]
        assert health.state is State.UP and health.error_count == 0
