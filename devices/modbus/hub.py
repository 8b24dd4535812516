"""ModbusHub: every Modbus device of a site, polled per link, with on-change events and writes.

    hub = ModbusHub([
        DeviceConfig("sorter-1", load_profile("sorter"), TcpTransport("10.0.0.20", 502), unit=1),
        DeviceConfig("scale-3", load_profile("scale"), RtuTransport("/dev/serial/by-id/..."), 3),
    ])
    await hub.start()
    event = await hub.events.get()          # PointChanged | DeviceStateChanged
    await hub.write("put-12", "display_qty", 4)          # returns once confirmed, or raises
    await hub.write_many("sorter-1", {"divert_tote": "T123", "divert_chute": 7})
    hub.health()["scale-3"].state           # State.UP / DEGRADED / DOWN
    await hub.stop()

Devices that share a transport (an RTU bus, or a TCP gateway with several unit ids) share a
link and its one-request-at-a-time schedule; every link runs in its own task. Remote failures
arrive as `DeviceStateChanged` events and in `health()`, never as exceptions from `start`.
`write` raises LocalModbusError for a bad call and RemoteModbusError when the device fails.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from .codec import Value
from .config import DeviceConfig
from .device import DeviceRuntime
from .errors import ConfigError, UnknownDevice
from .events import ModbusEvent
from .health import HealthSnapshot
from .link import Link
from .runner import LinkRunner, PollHook, WriteJob


class ModbusHub:
    def __init__(self, devices: Iterable[DeviceConfig], *,
                 on_event: Callable[[ModbusEvent], None] | None = None,
                 on_poll: PollHook | None = None) -> None:
        self.events: asyncio.Queue[ModbusEvent] = asyncio.Queue()
        self._emit = on_event or self.events.put_nowait
        self._on_poll = on_poll
        self._configs: dict[str, DeviceConfig] = {}
        for cfg in devices:
            if cfg.name in self._configs:
                raise ConfigError(f"device {cfg.name!r} is declared twice")
            self._configs[cfg.name] = cfg
        self._devices: dict[str, DeviceRuntime] = {}
        self._runners: dict[str, LinkRunner] = {}
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        now = time.monotonic()
        # Spread first polls over a period so devices do not all ask in the same instant.
        count = max(1, len(self._configs))
        self._devices = {
            name: DeviceRuntime(cfg, now + 0.1 * i / count)
            for i, (name, cfg) in enumerate(self._configs.items())
        }
        by_link: dict[str, list[DeviceRuntime]] = {}
        for device in self._devices.values():
            by_link.setdefault(device.config.transport.key, []).append(device)
        for key, devices in by_link.items():
            _check_units(key, devices)
            runner = LinkRunner(Link(devices[0].config.transport), devices, self._emit,
                                self._on_poll)
            self._runners[key] = runner
            self._tasks.append(asyncio.create_task(runner.run(), name=f"modbus {key}"))

    async def stop(self) -> None:
        for runner in self._runners.values():
            runner.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        self._runners = {}

    async def write(self, device: str, point: str, value: Value) -> None:
        await self.write_many(device, {point: value})

    async def write_many(self, device: str, values: dict[str, Value]) -> None:
        """Write contiguous points in one request; returns when the device confirmed it."""
        runtime = self._device(device)
        job = WriteJob(runtime, runtime.plan_write(values))
        self._runners[runtime.config.transport.key].submit(job)
        await job.done

    def value(self, device: str, point: str) -> Value | None:
        """The last value read (None before the first successful poll)."""
        runtime = self._device(device)
        runtime.config.profile.point(point)
        return runtime.values.get(point)

    def values(self, device: str) -> dict[str, Value]:
        return dict(self._device(device).values)

    def health(self) -> dict[str, HealthSnapshot]:
        now = time.monotonic()
        offset = time.time() - now
        return {name: d.health.snapshot(now, offset) for name, d in self._devices.items()}

    def _device(self, name: str) -> DeviceRuntime:
        if name not in self._devices:
            raise UnknownDevice(f"no Modbus device {name!r}; devices: {sorted(self._configs)}"
                                + ("" if self._devices else " (hub not started)"))
        return self._devices[name]

    async def __aenter__(self) -> ModbusHub:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def _check_units(key: str, devices: list[DeviceRuntime]) -> None:
    units = [d.config.unit for d in devices]
    if len(set(units)) != len(units):
        raise ConfigError(f"two devices on {key} share a unit id: "
                          f"{[(d.name, d.config.unit) for d in devices]}")
    for d in devices:
        if not d.groups:
            raise ConfigError(f"device {d.name!r}: profile {d.config.profile.name!r} polls "
                              "nothing; give at least one point a poll group")
