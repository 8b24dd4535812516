"""One serial scanner on asyncio: pyserial opens and configures the port, the event loop reads it.

The fd is read non-blocking from the loop (no thread per scanner). A port that vanishes —
USB unplugged, EIO, end of file — is closed, its partial frame reported as `FrameCutOff`, and
reopened by *path* with exponential backoff, so a stable `/dev/serial/by-id/...` symlink
follows the device to whatever `ttyUSBn` it gets after a replug. Every byte read before
the loss has already gone through the decoder, so no complete scan is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import serial

from .config import ScannerConfig
from .decoder import ScanDecoder
from .errors import PortUnavailable, ScanError
from .events import ScanEvent

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScannerPortConfig:
    scan_point: str  # the name the floor knows, e.g. "conveyor-in-1", "pack-07"
    path: str  # prefer /dev/serial/by-id/...: it survives replugs and renumbering
    baudrate: int = 9600
    bytesize: int = 8
    parity: str = "N"
    stopbits: float = 1
    decoder: ScannerConfig = field(default_factory=ScannerConfig)
    backoff_initial: float = 0.1
    backoff_max: float = 5.0


@dataclass(frozen=True)
class PortStatus:
    """Emitted when a port connects or is lost, so a supervisor screen can show it."""

    scan_point: str
    path: str
    connected: bool
    at: float
    reason: str = ""


@dataclass
class PortHealth:
    scan_point: str
    path: str
    connected: bool = False
    opens: int = 0
    losses: int = 0
    scans: int = 0
    errors: int = 0
    last_scan_at: float | None = None
    last_error: str = ""


ScanItem = ScanEvent | ScanError | PortStatus


class ScannerPort:
    def __init__(
        self,
        config: ScannerPortConfig,
        deliver: Callable[[ScanItem], None],
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self._deliver = deliver
        self._clock = clock
        self._decoder = ScanDecoder(config.decoder, scan_point=config.scan_point)
        self.health = PortHealth(config.scan_point, config.path)
        self._serial: serial.Serial | None = None
        self._lost: asyncio.Future[str] | None = None

    async def run(self) -> None:
        """Read until cancelled, reopening the port whenever it goes away."""
        delay = self.config.backoff_initial
        try:
            while True:
                try:
                    self._open()
                except PortUnavailable as exc:
                    self._note_error(str(exc))
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.config.backoff_max)
                    continue
                delay = self.config.backoff_initial
                reason = await self._read_until_lost()
                self._close(reason)
        finally:
            self._close("stopped")

    def _open(self) -> None:
        cfg = self.config
        try:
            port = serial.Serial(
                cfg.path, baudrate=cfg.baudrate, bytesize=cfg.bytesize, parity=cfg.parity,
                stopbits=cfg.stopbits, timeout=0, exclusive=True,
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise PortUnavailable(
                f"cannot open {cfg.path}: {exc}; check the cable and the by-id path",
                scan_point=cfg.scan_point,
            ) from exc
        self._serial = port
        self.health.connected = True
        self.health.opens += 1
        log.info("scanner %s connected on %s", cfg.scan_point, cfg.path)
        self._deliver(PortStatus(cfg.scan_point, cfg.path, True, self._clock()))

    async def _read_until_lost(self) -> str:
        assert self._serial is not None
        loop = asyncio.get_running_loop()
        self._lost = loop.create_future()
        fd = self._serial.fileno()
        loop.add_reader(fd, self._on_readable, fd)
        try:
            return await self._lost
        finally:
            loop.remove_reader(fd)

    def _on_readable(self, fd: int) -> None:
        try:
            data = os.read(fd, 4096)
        except BlockingIOError:
            return
        except OSError as exc:  # EIO: the device is gone
            data, reason = b"", f"read failed: {exc.strerror or exc}"
        else:
            reason = "end of file (device unplugged)"
        if not data:
            if self._lost is not None and not self._lost.done():
                self._lost.set_result(reason)
            return
        for item in self._decoder.feed(data, at=self._clock()):
            self._emit(item)

    def _emit(self, item: ScanEvent | ScanError) -> None:
        if isinstance(item, ScanEvent):
            self.health.scans += 1
            self.health.last_scan_at = item.at
        else:
            self._note_error(str(item))
        self._deliver(item)

    def _note_error(self, message: str) -> None:
        if message != self.health.last_error:
            log.warning("%s", message)  # once per distinct error, not once per retry
        self.health.errors += 1
        self.health.last_error = message

    def _close(self, reason: str) -> None:
        if self._serial is None:
            return
        for item in self._decoder.flush(at=self._clock()):
            self._emit(item)
        # The device may already be gone; the fd is released either way.
        with contextlib.suppress(serial.SerialException, OSError):
            self._serial.close()
        self._serial = None
        self.health.connected = False
        if reason != "stopped":
            self.health.losses += 1
        log.warning("scanner %s lost %s: %s", self.config.scan_point, self.config.path, reason)
        self._deliver(
            PortStatus(self.config.scan_point, self.config.path, False, self._clock(), reason)
        )
