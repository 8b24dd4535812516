"""A virtual RS-485 cable between two ptys that delivers bytes at the speed of the baud rate.

A pty moves bytes instantly; a 19,200 baud line takes 0.57 ms per byte. The relay holds
each chunk until the line would have carried it, so RTU timing (and the cost of a timeout
on a shared bus) is real. It also lets tests cut the cable.
"""

from __future__ import annotations

import asyncio
import contextlib
import os

from simulators.scanner.virtual_port import open_raw_pty


class NullModem:
    def __init__(self, baudrate: int = 19200, bits_per_char: int = 10) -> None:
        self.char_time = bits_per_char / baudrate
        self._fds: list[int] = []
        self.server_path = self.client_path = ""
        self._free_at = {0: 0.0, 1: 0.0}
        self._loop: asyncio.AbstractEventLoop | None = None

    def open(self) -> tuple[str, str]:
        """Returns (server side path, client side path)."""
        self._loop = asyncio.get_running_loop()
        a_master, a_slave, self.server_path = open_raw_pty()
        b_master, b_slave, self.client_path = open_raw_pty()
        self._fds = [a_master, a_slave, b_master, b_slave]
        os.set_blocking(a_master, False)
        os.set_blocking(b_master, False)
        self._loop.add_reader(a_master, self._relay, a_master, b_master, 0)
        self._loop.add_reader(b_master, self._relay, b_master, a_master, 1)
        return self.server_path, self.client_path

    def _relay(self, src: int, dst: int, direction: int) -> None:
        try:
            data = os.read(src, 4096)
        except OSError:
            return  # nobody holds the other end open yet
        assert self._loop is not None
        now = self._loop.time()
        start = max(now, self._free_at[direction])
        done = start + len(data) * self.char_time
        self._free_at[direction] = done
        self._loop.call_at(done, self._deliver, dst, data)

    @staticmethod
    def _deliver(dst: int, data: bytes) -> None:
        with contextlib.suppress(OSError):  # the cable was cut meanwhile
            os.write(dst, data)

    def close(self) -> None:
        if self._loop is not None:
            for fd in (self._fds[0], self._fds[2]):
                self._loop.remove_reader(fd)
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = []
