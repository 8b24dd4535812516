"""The simulated printer: a TCP server that keeps every label it prints, answers `~HS` as a
Zebra does, and fails on demand.

    sim = PrinterSim("printer-1")
    port = await sim.start()               # 0 = a free port
    sim.apply("paper out")                 # or: head open | pause | garbage on | off | ...
    sim.labels[-1].zpl                     # what it printed
    await sim.stop()

Formats that arrive while it cannot print wait in its buffer and print once it can again, as on a
real printer. Off: the port refuses connections. Garbage: every status answer is noise.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from dataclasses import dataclass
from pathlib import Path

from devices.printers.status import HostStatus, encode_host_status

from .stream import LabelFormat, StatusQuery, ZplStream

HELP = ("commands: paper out|in | head open|closed | ribbon out|in | pause | resume | "
        "garbage on|off | off | on | labels | status")
_FLAGS = {("paper", "out"): ("paper_out", True), ("paper", "in"): ("paper_out", False),
          ("head", "open"): ("head_open", True), ("head", "closed"): ("head_open", False),
          ("ribbon", "out"): ("ribbon_out", True), ("ribbon", "in"): ("ribbon_out", False),
          ("pause",): ("paused", True), ("resume",): ("paused", False)}


@dataclass(frozen=True)
class PrintedLabel:
    zpl: str
    at: float  # wall clock


class PrinterSim:
    def __init__(self, name: str = "printer-1", host: str = "127.0.0.1", port: int = 0,
                 save_dir: Path | None = None) -> None:
        self.name, self.host, self.port, self.save_dir = name, host, port, save_dir
        self.labels: list[PrintedLabel] = []
        self.held: list[str] = []
        self.state = HostStatus()
        self.garbage = False
        self.connections = 0
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    @property
    def on(self) -> bool:
        return self._server is not None

    async def apply(self, line: str) -> str:
        """One control command; returns "ok ...", "error ..." or "" for a blank line."""
        words = tuple(line.split())
        if not words:
            return ""
        if words in _FLAGS:
            flag, value = _FLAGS[words]
            self.state = dataclasses.replace(self.state, **{flag: value})
            self._release()
        elif words in (("garbage", "on"), ("garbage", "off")):
            self.garbage = words[1] == "on"
        elif words == ("off",):
            await self.stop()
        elif words == ("on",):
            if not self.on:
                await self.start()
        elif words == ("labels",):
            return f"ok {len(self.labels)} printed, {len(self.held)} waiting"
        elif words == ("status",):
            problems = ", ".join(self.state.problems) or "ready"
            return f"ok {'on' if self.on else 'off'} port={self.port} {problems}" + (" garbage" if self.garbage else "")
        else:
            return f"error unknown command {line.strip()!r}; {HELP}"
        return f"ok {line.strip()}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        stream = ZplStream()
        try:
            while data := await reader.read(65536):
                for item in stream.feed(data):
                    if isinstance(item, StatusQuery):
                        writer.write(self._status_answer())
                        await writer.drain()
                    elif isinstance(item, LabelFormat):
                        self._receive(item.zpl)
        except (ConnectionError, OSError):
            pass  # the client went away: a printer does not care
        finally:
            writer.close()

    def _status_answer(self) -> bytes:
        if self.garbage:
            return random.randbytes(37) + b"\r\n"
        return encode_host_status(dataclasses.replace(self.state, formats_waiting=len(self.held)))

    def _receive(self, zpl: str) -> None:
        self.held.append(zpl)
        self._release()

    def _release(self) -> None:
        if not self.state.ready:
            return
        for zpl in self.held:
            label = PrintedLabel(zpl, time.time())
            self.labels.append(label)
            if self.save_dir is not None:
                self.save_dir.mkdir(parents=True, exist_ok=True)
                (self.save_dir / f"{self.name}-{len(self.labels):06d}.zpl").write_text(zpl, encoding="utf-8")
        self.held = []
