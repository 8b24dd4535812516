"""pymodbus servers for simulated devices: one TCP listener per device (as a device with its own
IP address would have), and one RTU bus on a pty for all of them, with real baud timing.

    sim = SimServer(host="127.0.0.1")
    port = await sim.serve_tcp(ScaleSim("scale-1"))            # 0 = a free port
    path = await sim.serve_rtu({1: ScaleSim("s"), 2: PutToLightSim("p")}, baudrate=19200)
    sim.devices["scale-1"].faults = Faults.parse("timeout")   # fault injection
    sim.disconnect("scale-1"); await sim.offline("scale-1"); await sim.online("scale-1")
    await sim.stop()
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from pymodbus import FramerType
from pymodbus.server import ModbusSerialServer, ModbusTcpServer

from .context import SimContext
from .decoder import PlcDecoder
from .device import SimulatedDevice
from .faults import FaultMode
from .nullmodem import NullModem


@dataclass
class _Listener:
    device: SimulatedDevice
    port: int
    server: ModbusTcpServer | None = None


class SimServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.devices: dict[str, SimulatedDevice] = {}
        self._tcp: dict[str, _Listener] = {}
        self._rtu: list[tuple[ModbusSerialServer, NullModem]] = []

    async def serve_tcp(self, device: SimulatedDevice, port: int = 0) -> int:
        self.devices[device.name] = device
        listener = _Listener(device, port)
        self._tcp[device.name] = listener
        await self._listen(listener)
        return listener.port

    async def _listen(self, listener: _Listener) -> None:
        context = SimContext({1: listener.device}, any_unit=True)
        server = ModbusTcpServer(context, framer=FramerType.SOCKET,
                                 address=(self.host, listener.port), ignore_missing_devices=True,
                                 trace_packet=self._garbler(context, unit_at=6))
        server.decoder = PlcDecoder()  # answers malformed requests as a PLC does
        await server.serve_forever(background=True)
        if not server.transport:
            raise OSError(f"cannot listen on {self.host}:{listener.port}")
        listener.port = server.transport.sockets[0].getsockname()[1]
        listener.server = server

    async def serve_rtu(self, units: dict[int, SimulatedDevice], baudrate: int = 19200) -> str:
        """All `units` on one bus; returns the pty path a client opens."""
        for device in units.values():
            self.devices[device.name] = device
        modem = NullModem(baudrate)
        server_path, client_path = modem.open()
        context = SimContext(units)
        server = ModbusSerialServer(context, framer=FramerType.RTU, port=server_path,
                                    baudrate=baudrate, ignore_missing_devices=True,
                                    trace_packet=self._garbler(context, unit_at=0))
        server.decoder = PlcDecoder()
        await server.serve_forever(background=True)
        self._rtu.append((server, modem))
        return client_path

    @staticmethod
    def _garbler(context: SimContext, unit_at: int):
        """A packet hook that replaces the answers of devices in GARBAGE mode by noise."""

        def trace(sending: bool, data: bytes) -> bytes:
            if not sending or len(data) <= unit_at:
                return data
            device = context.device(data[unit_at])
            if device is not None and device.faults.mode is FaultMode.GARBAGE:
                return random.randbytes(len(data))
            return data

        return trace

    def disconnect(self, name: str) -> None:
        """Drop the device's open TCP connections (the listener stays: clients may reconnect)."""
        server = self._tcp[name].server
        if server is not None:
            for connection in list(server.active_connections.values()):
                connection.close()

    async def offline(self, name: str) -> None:
        """Stop listening: connections are refused, as for a powered-off device."""
        listener = self._tcp[name]
        if listener.server is not None:
            await listener.server.shutdown()
            listener.server = None

    async def online(self, name: str) -> None:
        listener = self._tcp[name]
        if listener.server is None:
            await self._listen(listener)

    def tcp_port(self, name: str) -> int:
        return self._tcp[name].port

    async def stop(self) -> None:
        for name in list(self._tcp):
            await self.offline(name)
        for server, modem in self._rtu:
            await server.shutdown()
            modem.close()
        self._rtu = []
