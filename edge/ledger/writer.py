"""The group-commit writer: one thread owns the ledger connection and commits batches.

Callers on any asyncio loop (or plain threads) submit commands; whatever queued up while the
previous batch was being fsynced becomes the next batch. Results go back to each loop in one
wake-up per batch, not one per command, which is what keeps the in-process rate high.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.ledger.batch import Outcome, apply_batch
from edge.ledger.database import connect
from edge.ledger.uow import UnitOfWork, utc_now

log = logging.getLogger(__name__)

EventSink = Callable[[list[Event]], None]


class LedgerWriter:
    def __init__(self, path: Path | str, *, adjust_reasons: tuple[str, ...] = (),
                 clock: Callable[[], str] = utc_now, max_batch: int = 1024,
                 on_events: EventSink | None = None, on_batch: Callable[[int, float], None] | None = None):
        self.path = path
        self.max_batch = max_batch
        self.on_events = on_events
        self.on_batch = on_batch
        self._conn = connect(path)
        self._uow = UnitOfWork(self._conn, clock=clock, adjust_reasons=adjust_reasons)
        self._pending: list[tuple[Command, asyncio.AbstractEventLoop | None, object]] = []
        self._cv = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="ledger-writer", daemon=True)

    def start(self) -> LedgerWriter:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Finish what is queued, then close the connection."""
        with self._cv:
            self._stopping = True
            self._cv.notify()
        self._thread.join()
        self._conn.close()

    @property
    def last_seq(self) -> int:
        return self._uow.movements.last_seq

    @property
    def queued(self) -> int:
        return len(self._pending)

    def _enqueue(self, cmd: Command, loop, future) -> None:
        with self._cv:
            if self._stopping:
                raise RuntimeError("the ledger writer is shutting down")
            self._pending.append((cmd, loop, future))
            if len(self._pending) == 1:
                self._cv.notify()

    async def execute(self, cmd: Command) -> Outcome:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._enqueue(cmd, loop, future)
        return await future

    def execute_sync(self, cmd: Command, timeout: float | None = 30) -> Outcome:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._enqueue(cmd, None, future)
        return future.result(timeout)

    def _take(self) -> list | None:
        with self._cv:
            while not self._pending and not self._stopping:
                self._cv.wait()
            if not self._pending:
                return None
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            return batch

    def _run(self) -> None:
        while (batch := self._take()) is not None:
            started = time.perf_counter()
            outcomes = apply_batch(self._uow, [cmd for cmd, _, _ in batch])
            if self.on_batch:
                self.on_batch(len(batch), time.perf_counter() - started)
            self._deliver(batch, outcomes)

    def _deliver(self, batch: list, outcomes: list[Outcome]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list] = defaultdict(list)
        events: list[Event] = []
        for (_, loop, future), outcome in zip(batch, outcomes, strict=True):
            events.extend(outcome.events)
            if loop is None:
                future.set_result(outcome)
            else:
                by_loop[loop].append((future, outcome))
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, items)
            except RuntimeError:
                log.warning("a caller's event loop closed before its %d results arrived", len(items))
        if events and self.on_events:
            self.on_events(events)


def _resolve(items: list[tuple[asyncio.Future, Outcome]]) -> None:
    for future, outcome in items:
        if not future.done():
            future.set_result(outcome)
