"""Label printers between labels: each one's health, from its last print and from its host status
asked every `status_every_s`, so the supervisor sees a printer out of paper before the next pack
does. A change of state is published as `DeviceHealthChanged`, like the other devices'."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass

from devices.printers import LabelPrinter, PrinterError, PrinterNotReady
from edge.domain.events import Event
from edge.hardware.events import DeviceHealthChanged


@dataclass
class PrinterHealth:
    name: str
    printed: int = 0
    errors: int = 0
    last_ok: float | None = None
    last_error: str = ""
    state: str = "unknown"  # until the first print or status: up | down

    def record(self, error: str | None, at: float, printed: bool = False) -> bool:
        """One print or status check; True when the state changed."""
        before = self.state
        self.state = "down" if error else "up"
        if error:
            self.errors, self.last_error = self.errors + 1, error
        else:
            self.last_ok = at
            self.printed += printed
        return self.state != before

    def changed_event(self) -> DeviceHealthChanged:
        reason = self.last_error if self.state == "down" else ""
        return DeviceHealthChanged(self.name, "label_printer", self.state, reason, time.time())

    def as_status(self) -> dict:
        return {"kind": "label_printer", "state": self.state, "errors": self.errors, "labels_printed": self.printed,
                "last_ok": self.last_ok, "last_error": self.last_error}


async def check(printer: LabelPrinter) -> str | None:
    """Why `printer` cannot print now (the message a print would fail with), or None."""
    try:
        status = await printer.status()
    except PrinterError as exc:
        return str(exc)
    return None if status.ready else str(PrinterNotReady(printer.where, status.problems))


async def watch(printer: LabelPrinter, every: float, health: PrinterHealth,
                publish: Callable[[list[Event]], None]) -> None:
    while True:
        if health.record(await check(printer), time.time()):
            publish([health.changed_event()])
        await asyncio.sleep(every)
