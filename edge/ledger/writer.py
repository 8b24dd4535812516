"""The group-commit writer: callers on any thread or event loop submit commands; one writer process
(see writer_process.py) applies them in batches, one transaction and one fsync per batch.

Whatever queued up since the last batch was sent becomes the next batch. Commands from an event
loop are handed to the sender once per turn of that loop, all together: waking the sender thread
for each one cost the loop more than the command did. A few batches may be in flight, so the
writer process always has the next one at hand when it commits one (it takes all that are waiting
into one transaction). Results go back to each event loop in one wake-up per batch, not one per
command.

If the writer process dies, the commands it was holding are answered with a `ledger` error (a
terminal sends them again with the same key; those that did commit are replayed, never applied
twice) and a new writer process takes over the queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import logging
import pickle
import socket
import subprocess
import sys
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

from edge.domain.commands import Command
from edge.domain.events import Event
from edge.errors import EdgeError
from edge.ledger.batch import Outcome
from edge.ledger.writer_process import MAX_MERGED, STOP, connection

log = logging.getLogger(__name__)

EventSink = Callable[[list[Event]], None]
IN_FLIGHT = MAX_MERGED  # everything out can go into the writer's next transaction
RESPAWN_PAUSE_S = 1.0


class LedgerUnavailable(EdgeError):
    code = "ledger"


class LedgerWriter:
    def __init__(self, path: Path | str, *, adjust_reasons: tuple[str, ...] = (), max_batch: int = 1024,
                 on_events: EventSink | None = None, on_batch: Callable[[int, float], None] | None = None,
                 on_restart: Callable[[], None] | None = None):
        self.path = str(path)
        self.max_batch = max_batch
        self.on_events = on_events
        self.on_batch = on_batch
        self.on_restart = on_restart
        self.restarts = 0
        self.adjust_reasons = tuple(adjust_reasons)
        self._pending: list[tuple[Command, asyncio.AbstractEventLoop | None, object]] = []
        self._staged: dict[asyncio.AbstractEventLoop, list] = {}  # each touched only by its own loop
        self._in_flight: deque[list] = deque()
        self._cv = threading.Condition()
        self._send_lock = threading.Lock()
        self._stopping = False
        self._last_seq = 0
        self._conn, self._process = self._spawn()
        self._threads = [threading.Thread(target=self._send, name="ledger-send", daemon=True),
                         threading.Thread(target=self._receive, name="ledger-receive", daemon=True)]

    def start(self) -> LedgerWriter:
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        """Finish what is queued, then stop the writer process."""
        with self._cv:
            self._stopping = True
            self._cv.notify_all()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()
        if self._conn is not None:
            self._conn.close()
        try:
            self._process.wait(10)
        except subprocess.TimeoutExpired:
            log.error("the ledger writer process did not stop; killing it")
            self._process.kill()
            self._process.wait()

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def _spawn(self) -> tuple[Connection, subprocess.Popen]:
        ours, theirs = socket.socketpair()
        with theirs:
            process = subprocess.Popen(
                [sys.executable, "-m", "edge.ledger.writer_process", "--fd", str(theirs.fileno()),
                 "--ledger", self.path, "--adjust-reasons", json.dumps(self.adjust_reasons)],
                pass_fds=(theirs.fileno(),),
            )
        conn = connection(ours.detach())
        try:
            kind, value = conn.recv()
        except EOFError:
            kind, value = "failed", f"the writer process exited with code {process.wait()}"
        if kind != "ready":
            conn.close()
            process.wait()
            raise LedgerUnavailable(f"cannot open the ledger {self.path}: {value}")
        self._last_seq = value
        return conn, process

    def _enqueue(self, items: list) -> None:
        with self._cv:
            if self._stopping:
                raise RuntimeError("the ledger writer is shutting down")
            if not self._pending:
                self._cv.notify_all()
            self._pending.extend(items)

    async def execute(self, cmd: Command) -> Outcome:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        staged = self._staged.get(loop)
        if staged is None:
            staged = self._staged[loop] = []
            loop.call_soon(self._hand_over, loop)
        staged.append((cmd, loop, future))
        return await future

    def _hand_over(self, loop: asyncio.AbstractEventLoop) -> None:
        """What the loop's callers submitted this turn, to the sender in one go."""
        staged = self._staged.pop(loop)
        try:
            self._enqueue(staged)
        except RuntimeError as exc:
            for _, _, future in staged:
                if not future.done():
                    future.set_exception(exc)

    def execute_sync(self, cmd: Command, timeout: float | None = 30) -> Outcome:
        future: concurrent.futures.Future = concurrent.futures.Future()
        self._enqueue([(cmd, None, future)])
        return future.result(timeout)

    def _send(self) -> None:
        while True:
            batch, conn = self._take()
            message = STOP if batch is None else _encode(batch)
            # The batch goes to the process it was taken for; if that one died meanwhile, the
            # receiver has already answered the batch and the closed pipe refuses the send.
            with self._send_lock, contextlib.suppress(OSError):
                if conn is not None:
                    conn.send_bytes(message)
            if batch is None:
                return

    def _take(self) -> tuple[list | None, Connection | None]:
        """The next batch, once a writer process is up and fewer than IN_FLIGHT are out; None once
        stopping with nothing queued."""
        with self._cv:
            while not self._pending or len(self._in_flight) >= IN_FLIGHT or self._conn is None:
                if self._stopping and not self._pending:
                    return None, self._conn
                self._cv.wait()
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            self._in_flight.append(batch)
            return batch, self._conn

    def _receive(self) -> None:
        while True:
            try:
                merged, outcomes, last_seq, seconds = pickle.loads(self._conn.recv_bytes())
            except (EOFError, OSError):
                if not self._writer_died():
                    return
                continue
            with self._cv:
                batch = [item for _ in range(merged) for item in self._in_flight.popleft()]
                self._last_seq = last_seq
                self._cv.notify_all()
            if self.on_batch:
                self.on_batch(len(batch), seconds)
            self._deliver(batch, [Outcome(*o) for o in outcomes])

    def _writer_died(self) -> bool:
        """Answer what the dead process held, start another; False when stopping and all is answered."""
        with self._cv:
            lost = [item for batch in self._in_flight for item in batch]
            self._in_flight.clear()
            if self._stopping and not lost and not self._pending:
                return False
            log.error("the ledger writer process exited (code %s) holding %d commands; starting another",
                      self._process.wait(), len(lost))
            self._refuse(lost, "the ledger writer restarted before answering; send it again with the same key")
            self.restarts += 1
            if self.on_restart:
                self.on_restart()
            with self._send_lock:
                self._conn.close()
            self._conn = None  # the sender holds batches back until there is a writer to take them
            while not self._stopping:
                try:
                    self._conn, self._process = self._spawn()
                    break
                except LedgerUnavailable as exc:  # e.g. the disk is gone; keep answering, keep trying
                    log.error("%s; trying again in %.0f s", exc, RESPAWN_PAUSE_S)
                    waiting, self._pending = self._pending, []
                    self._refuse(waiting, str(exc))
                    self._cv.wait(RESPAWN_PAUSE_S)
            self._cv.notify_all()
            if self._conn is None:  # stopped while no writer could be started
                waiting, self._pending = self._pending, []
                self._refuse(waiting, "the node is stopping and its ledger cannot be opened")
                return False
            return True

    def _refuse(self, items: list, message: str) -> None:
        self._deliver(items, [Outcome(False, error="ledger", message=message) for _ in items])

    def _deliver(self, batch: list, outcomes: list[Outcome]) -> None:
        # Events first: a caller that has its answer may look for the events of its command (a
        # batch's callers are often answered all at once, so none would find them yet).
        events = [event for outcome in outcomes for event in outcome.events]
        if events and self.on_events:
            self.on_events(events)
        by_loop: dict[asyncio.AbstractEventLoop, list] = defaultdict(list)
        for (_, loop, future), outcome in zip(batch, outcomes, strict=True):
            if loop is None:
                future.set_result(outcome)
            else:
                by_loop[loop].append((future, outcome))
        for loop, items in by_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, items)
            except RuntimeError:
                log.warning("a caller's event loop closed before its %d results arrived", len(items))


def _encode(batch: list) -> bytes:
    commands = [cmd for cmd, _, _ in batch]
    for cmd in commands:
        cmd.fingerprint  # noqa: B018 - worked out here, on the node's core, and cached on the command
    return pickle.dumps(commands, pickle.HIGHEST_PROTOCOL)


def _resolve(items: list[tuple[asyncio.Future, Outcome]]) -> None:
    for future, outcome in items:
        if not future.done():
            future.set_result(outcome)
