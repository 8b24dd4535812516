"""The simulated label printer inside another process (the demo): its own event loop on a thread,
declared in a warehouse file as the label printer of the pack stations."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

from simulators.printer.printer import PrinterSim


class BackgroundPrinter:
    def __init__(self, name: str = "printer-1") -> None:
        self.sim = PrinterSim(name)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name=f"{name} sim", daemon=True)

    def start(self) -> int:
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.sim.start(), self.loop).result(10)

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self.sim.stop(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)

    @property
    def printed(self) -> int:
        return len(self.sim.labels)

    def declare(self, config: Path, stations: list[str]) -> None:
        """Append this printer to a warehouse file as the label printer of `stations`."""
        listed = ", ".join(f'"{s}"' for s in stations)
        with config.open("a", encoding="utf-8") as f:
            f.write(f'\n[[devices]]\nname = "{self.sim.name}"\nkind = "label_printer"\nhost = "{self.sim.host}"\n'
                    f"port = {self.sim.port}\nstations = [{listed}]\n")
