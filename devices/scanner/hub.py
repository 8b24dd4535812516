"""Several scanners, each a named scan point, delivering into one asyncio queue or callback.

    hub = ScannerHub([ScannerPortConfig("pack-07", "/dev/serial/by-id/usb-Zebra_...-if00")])
    await hub.start()
    item = await hub.events.get()  # ScanEvent | ScanError | PortStatus
    hub.health()["pack-07"].connected
    await hub.stop()

Pass `on_item=` instead to be called on the event loop for every item (keep it quick: it runs
inside the read callback).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable

from .errors import ScannerConfigError
from .port import PortHealth, ScanItem, ScannerPort, ScannerPortConfig


class ScannerHub:
    def __init__(
        self,
        ports: Iterable[ScannerPortConfig],
        *,
        on_item: Callable[[ScanItem], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.events: asyncio.Queue[ScanItem] = asyncio.Queue()
        deliver = on_item or self.events.put_nowait
        self._ports: dict[str, ScannerPort] = {}
        for cfg in ports:
            if cfg.scan_point in self._ports:
                raise ScannerConfigError(f"scan point {cfg.scan_point!r} is declared twice")
            self._ports[cfg.scan_point] = ScannerPort(cfg, deliver, clock=clock)
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [
            asyncio.create_task(port.run(), name=f"scanner {name}")
            for name, port in self._ports.items()
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []

    def health(self) -> dict[str, PortHealth]:
        return {name: port.health for name, port in self._ports.items()}

    async def __aenter__(self) -> ScannerHub:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
