"""A handheld app in a real pseudo-terminal, read back through a terminal emulator (pexpect + pyte).

Textual's pilot hands keys to the app one message at a time; a scanner in keyboard-wedge mode
writes bytes into the terminal as fast as it likes. This drives the app the second way, for the
burst test and the terminal benchmark: bytes in through the pty, the screen read back as text.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable

import pexpect
import pyte


class PtyHandheld:
    def __init__(self, node: str, columns: int = 40, rows: int = 16, extra: tuple[str, ...] = ()):
        self.screen = pyte.Screen(columns, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.lock = threading.Lock()
        self.changed = threading.Condition(self.lock)
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(columns), "LINES": str(rows)}
        env.pop("TEXTUAL", None)
        self.child = pexpect.spawn(sys.executable, ["-m", "terminal_ui.cli", "handheld", "--node", node, *extra],
                                   env=env, dimensions=(rows, columns), echo=False)
        self._reader = threading.Thread(target=self._read, name="pty-reader", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = self.child.read_nonblocking(65536, timeout=None)
            except (pexpect.EOF, pexpect.TIMEOUT, OSError):
                return
            with self.changed:
                self.stream.feed(data)
                self.changed.notify_all()

    def text(self) -> str:
        with self.lock:
            return "\n".join(self.screen.display)

    def write(self, data: bytes) -> None:
        os.write(self.child.child_fd, data)

    def wait_for(self, done: Callable[[str], bool], timeout: float = 10.0) -> float:
        """Block until the screen text satisfies `done`; returns the time it took."""
        start = time.perf_counter()
        deadline = start + timeout
        with self.changed:
            while not done("\n".join(self.screen.display)):
                left = deadline - time.perf_counter()
                if left <= 0:
                    raise TimeoutError("the screen never showed it; it shows:\n" + "\n".join(self.screen.display))
                self.changed.wait(left)
        return time.perf_counter() - start

    def close(self) -> None:
        if self.child.isalive():
            self.write(b"\x11")  # ctrl+q: the app quits and gives the terminal back
            deadline = time.monotonic() + 5
            while self.child.isalive() and time.monotonic() < deadline:
                time.sleep(0.05)
        self.child.close(force=True)
        self._reader.join(5)
