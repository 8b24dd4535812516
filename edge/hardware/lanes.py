"""One worker per lane: jobs of a lane run in order, lanes run independently.

Each scan point and each Modbus device is a lane, so two quick scans at a pack station are
checked one after the other, and a station waiting on a dead scale never holds up the conveyor.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Lanes:
    def __init__(self) -> None:
        self._queues: dict[str, asyncio.Queue[Job]] = {}
        self._tasks: list[asyncio.Task] = []

    def submit(self, lane: str, job: Job) -> None:
        queue = self._queues.get(lane)
        if queue is None:
            queue = self._queues[lane] = asyncio.Queue()
            self._tasks.append(asyncio.create_task(self._work(lane, queue), name=f"device lane {lane}"))
        queue.put_nowait(job)

    async def _work(self, lane: str, queue: asyncio.Queue[Job]) -> None:
        while True:
            job = await queue.get()
            try:
                await job()
            except Exception:  # one failed flow must not stop the scans after it
                log.exception("device flow on %s failed; the next scan is served", lane)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks, self._queues = [], {}
