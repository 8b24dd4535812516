"""One Modbus link — a TCP connection or an RTU serial port — over a pymodbus async client.

Only the link's runner task calls `request`, so exactly one request is in flight per link.
pymodbus' own retries and reconnects are switched off (retries=0, reconnect_delay=0): the
timeout is per device (`asyncio.timeout`), retries and reconnect backoff are decided by the
scheduler, and a dead device can never hold the link longer than its own timeout.
"""

from __future__ import annotations

import asyncio
import contextlib

from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient
from pymodbus.exceptions import ConnectionException, ModbusException

from .config import RtuTransport, TcpTransport
from .errors import BadResponse, DeviceException, DeviceTimeout, LinkDown

# Longer than any device timeout, so pymodbus never times out (and retries) on its own.
_CLIENT_TIMEOUT = 30.0


class Link:
    def __init__(self, transport: TcpTransport | RtuTransport) -> None:
        self.transport = transport
        self._client: AsyncModbusTcpClient | AsyncModbusSerialClient | None = None

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.connected

    async def connect(self, timeout: float) -> bool:
        self.close()
        t = self.transport
        if isinstance(t, TcpTransport):
            client = AsyncModbusTcpClient(t.host, port=t.port, timeout=_CLIENT_TIMEOUT,
                                          retries=0, reconnect_delay=0)
        else:
            client = AsyncModbusSerialClient(t.port, baudrate=t.baudrate, parity=t.parity,
                                             stopbits=t.stopbits, bytesize=t.bytesize,
                                             timeout=_CLIENT_TIMEOUT, retries=0,
                                             reconnect_delay=0)
        self._client = client
        try:
            async with asyncio.timeout(timeout):
                return await client.connect()
        except TimeoutError:
            self.close()
            return False

    def close(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):  # closing a half-dead transport may raise
                self._client.close()
            self._client = None

    async def request(self, device: str, unit: int, function: int, address: int, arg,
                      timeout: float, names: tuple[str, ...], where: str) -> list:
        """One request/response. `arg` is a count for reads, values for writes."""
        ctx = (device, function, names)
        if not self.connected:
            raise LinkDown(*ctx, f"{self.transport.key} is not connected", where=where)
        call = self._call(function, address, arg, unit)
        try:
            async with asyncio.timeout(timeout):
                reply = await call
        except TimeoutError:
            raise DeviceTimeout(*ctx, f"no answer within {timeout:g} s from unit {unit} on "
                                f"{self.transport.key}", where=where) from None
        except ConnectionException as exc:
            self.close()
            raise LinkDown(*ctx, f"{self.transport.key} dropped: {exc}", where=where) from None
        except ModbusException as exc:
            raise BadResponse(*ctx, f"unusable answer: {exc}", where=where) from None
        if reply.isError():
            raise DeviceException(*ctx, getattr(reply, "exception_code", 0), where=where)
        if function in (1, 2):
            return list(reply.bits[:arg])
        if function in (3, 4):
            if len(reply.registers) != arg:
                raise BadResponse(*ctx, f"{len(reply.registers)} registers in the answer, "
                                  f"expected {arg}", where=where)
            return list(reply.registers)
        return []

    def _call(self, function: int, address: int, arg, unit: int):
        c = self._client
        assert c is not None
        calls = {
            1: lambda: c.read_coils(address, count=arg, device_id=unit),
            2: lambda: c.read_discrete_inputs(address, count=arg, device_id=unit),
            3: lambda: c.read_holding_registers(address, count=arg, device_id=unit),
            4: lambda: c.read_input_registers(address, count=arg, device_id=unit),
            5: lambda: c.write_coil(address, bool(arg[0]), device_id=unit),
            6: lambda: c.write_register(address, arg[0], device_id=unit),
            15: lambda: c.write_coils(address, [bool(v) for v in arg], device_id=unit),
            16: lambda: c.write_registers(address, list(arg), device_id=unit),
        }
        return calls[function]()
