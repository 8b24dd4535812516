"""Writes a batch holds back until a statement needs to see them, then sends as executemany.

A pick confirmation writes six rows; issued one statement at a time, SQLite's per-statement overhead
costs more than the work. Rows no later statement of the batch reads are buffered by their
repository and written together: before COMMIT, before any query of the tables they touch, and
at both ends of a savepoint. Only writes that cannot break a constraint on their own are buffered,
or writes whose constraint can only fail at the flush, where the batch's replay with one savepoint
per command (see batch.py) pins the failure on the command that caused it.
"""

from __future__ import annotations

import weakref
from typing import Protocol


class Buffer(Protocol):
    def flush(self) -> None: ...

    def discard(self) -> None: ...


class WriteBehind:
    def __init__(self) -> None:
        # Weak: repositories point back here, and a cycle would keep their cursors, hence their
        # statements, alive after the unit of work is dropped; SQLite then cannot really close the
        # connection (nor checkpoint its WAL) until the garbage collector happens to run.
        self._buffers: list[weakref.ref[Buffer]] = []

    def register(self, buffer: Buffer) -> None:
        self._buffers.append(weakref.ref(buffer))

    def flush(self) -> None:
        for ref in self._buffers:
            if (buffer := ref()) is not None:
                buffer.flush()

    def discard(self) -> None:
        """Forget what is buffered: the savepoint or transaction it belonged to was rolled back."""
        for ref in self._buffers:
            if (buffer := ref()) is not None:
                buffer.discard()
