"""A plain pymodbus client (not our scheduler) reads and writes every simulated device kind,
over TCP and over RTU on a pty."""

from __future__ import annotations

import time

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient

from simulators.modbus.models import PutToLightSim, ScaleSim, SorterSim


async def check_sorter(client, unit: int) -> None:
    rr = await client.read_discrete_inputs(0, count=2, device_id=unit)
    assert rr.bits[:2] == [True, False]  # running, no e-stop
    rr = await client.write_registers(0, [0x5431, 0x3200, 0, 0, 0, 3], device_id=unit)
    assert not rr.isError()
    rr = await client.read_input_registers(8, count=2, device_id=unit)
    assert rr.registers == [0, 1]  # the entry photo-eye counted the tote


async def check_scale(client, unit: int) -> None:
    rr = await client.read_input_registers(10, count=8, device_id=unit)
    text = client.convert_from_registers(rr.registers, client.DATATYPE.STRING)
    assert text.startswith("SKLAD-WS1")
    assert not (await client.write_coil(0, True, device_id=unit)).isError()  # tare


async def check_put_to_light(client, unit: int) -> None:
    assert not (await client.write_register(0, 7, device_id=unit)).isError()
    assert not (await client.write_coil(0, True, device_id=unit)).isError()
    assert (await client.read_holding_registers(0, count=1, device_id=unit)).registers == [7]
    assert (await client.read_coils(0, count=1, device_id=unit)).bits[0] is True
    rr = await client.read_input_registers(40, count=1, device_id=unit)
    assert rr.isError() and rr.exception_code == 2  # illegal data address


CHECKS = [(SorterSim, check_sorter), (ScaleSim, check_scale), (PutToLightSim, check_put_to_light)]


async def test_plain_pymodbus_client_over_tcp(sim):
    for kind, check in CHECKS:
        port = await sim.serve_tcp(kind(f"{kind.kind}-1"))
        client = AsyncModbusTcpClient("127.0.0.1", port=port, timeout=2)
        assert await client.connect()
        try:
            await check(client, 1)
        finally:
            client.close()


async def test_plain_pymodbus_client_over_rtu_with_baud_timing(sim):
    path = await sim.serve_rtu({u: kind(f"d{u}") for u, (kind, _) in enumerate(CHECKS, 1)},
                               baudrate=9600)
    client = AsyncModbusSerialClient(path, baudrate=9600, timeout=2)
    assert await client.connect()
    try:
        for unit, (_, check) in enumerate(CHECKS, 1):
            await check(client, unit)
        start = time.monotonic()
        await client.read_input_registers(0, count=12, device_id=1)
        # 8 request + 29 reply bytes at 10 bits each: 38.5 ms on a real 9600 baud line.
        assert time.monotonic() - start >= 0.035
    finally:
        client.close()
