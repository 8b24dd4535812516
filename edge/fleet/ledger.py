"""The fleet's side of the ledger: transport tasks created and each of their steps recorded through
the node's ledger writer, one step after another (a task's steps must land in order)."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path

from edge.domain.commands import Command
from edge.errors import CommandRejected
from edge.fleet.commands import CreateTransport, TransportStep
from edge.fleet.effects import TaskChanged
from edge.fleet.tasks import TransportTask
from edge.ledger.batch import Outcome

log = logging.getLogger(__name__)

Execute = Callable[[Command], Awaitable[Outcome]]


class _Refused(CommandRejected):
    def __init__(self, code: str | None, message: str | None) -> None:
        super().__init__(message or "refused")
        self.code = code or "rejected"


class FleetLedger:
    def __init__(self, execute: Execute, path: Path | None = None) -> None:
        self.execute, self.path = execute, path
        self._steps: asyncio.Queue[TransportStep] = asyncio.Queue()
        self._worker: asyncio.Task | None = None

    def start(self) -> None:
        self._worker = asyncio.create_task(self._write_steps())

    async def stop(self) -> None:
        await self._steps.join()
        if self._worker:
            self._worker.cancel()

    async def create(self, cmd: CreateTransport) -> int:
        outcome = await self.execute(cmd)
        if not outcome.ok:
            raise _Refused(outcome.error, outcome.message)
        return outcome.result["transport_id"]

    def record(self, change: TaskChanged, task: TransportTask) -> None:
        key = f"transport-{task.id}-{task.attempts}-{change.trigger}"
        self._steps.put_nowait(TransportStep(key, task.id, change.trigger, change.vehicle, change.place or None,
                                             change.note or None, device="fleet"))

    async def _write_steps(self) -> None:
        while True:
            step = await self._steps.get()
            try:
                outcome = await self.execute(step)
                if not outcome.ok:
                    log.error("transport task %s: the ledger refused %s: %s", step.transport_id, step.trigger,
                              outcome.message)
            finally:
                self._steps.task_done()

    def open_tasks(self) -> list[dict]:
        """Transport tasks a restarted node finds unfinished (read straight from the file)."""
        if self.path is None:
            return []
        with sqlite3.connect(self.path) as conn:
            rows = conn.execute("SELECT id, kind, state, load, load_type, source, destination, attempts "
                                "FROM transport_tasks WHERE state IN ('open', 'assigned')").fetchall()
        keys = ("id", "kind", "state", "load", "load_type", "source", "destination", "attempts")
        return [dict(zip(keys, row, strict=True)) for row in rows]
