"""A virtual serial port on a pty, with a stable link path that can be unplugged and replugged.

The simulator writes to the pty master; a client opens the slave path (or the link, which plays
the part of `/dev/serial/by-id/...`). `unplug()` closes the master, so the client's reads fail
with EIO exactly like a USB adapter pulled out; `replug()` makes a new pty — with a new
`/dev/pts/N`, as a replugged adapter gets a new `ttyUSBn` — and re-points the link at it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import struct
import termios
import time
import tty
from pathlib import Path


def open_raw_pty() -> tuple[int, int, str]:
    """(master fd, slave fd, slave path) with the line discipline off: bytes pass untouched."""
    master, slave = os.openpty()
    tty.setraw(slave)
    # Input echo would send the client's own requests back to it.
    attrs = termios.tcgetattr(slave)
    attrs[3] &= ~termios.ECHO
    termios.tcsetattr(slave, termios.TCSANOW, attrs)
    return master, slave, os.ttyname(slave)


def pending_input(slave_fd: int) -> int:
    """Bytes written by the master that the reader of the slave has not read yet."""
    raw = fcntl.ioctl(slave_fd, termios.TIOCINQ, b"\0\0\0\0")
    return struct.unpack("i", raw)[0]


class VirtualSerialPort:
    def __init__(self, link: str | os.PathLike | None = None) -> None:
        self.link = Path(link) if link else None
        self.master = self._slave = -1
        self.path = ""
        self.plugged = False

    def plug(self) -> str:
        """Create the pty (a fresh one each time) and point the link at it; returns the path."""
        self.master, self._slave, self.path = open_raw_pty()
        if self.link:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.path)
            tmp.replace(self.link)  # atomic: a reader never sees the link missing mid-swap
        self.plugged = True
        return self.client_path

    @property
    def client_path(self) -> str:
        return str(self.link) if self.link else self.path

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.master, view):]
            except BlockingIOError:
                time.sleep(0.001)

    def drain(self, timeout: float = 2.0) -> bool:
        """Wait until the client has read everything written so far."""
        deadline = time.monotonic() + timeout
        while pending_input(self._slave) and time.monotonic() < deadline:
            time.sleep(0.005)
        return pending_input(self._slave) == 0

    def unplug(self) -> None:
        if not self.plugged:
            return
        if self.link:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
        os.close(self.master)
        os.close(self._slave)
        self.master = self._slave = -1
        self.plugged = False

    def replug(self) -> str:
        self.unplug()
        return self.plug()

    def close(self) -> None:
        self.unplug()

    def __enter__(self) -> VirtualSerialPort:
        self.plug()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
