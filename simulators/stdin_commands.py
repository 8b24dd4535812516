"""The control loop of a simulator process: one command per stdin line, one reply line each,
until SIGINT or SIGTERM (a closed stdin keeps the simulator running until a signal)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Awaitable, Callable


async def serve_commands(handle: Callable[[str], Awaitable[str]]) -> None:
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    reader = asyncio.StreamReader()
    with contextlib.suppress(OSError, ValueError):  # stdin may be closed or not a pipe
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while not stop.done():
        line_task = asyncio.ensure_future(reader.readline())
        await asyncio.wait([line_task, stop], return_when=asyncio.FIRST_COMPLETED)
        if not line_task.done():
            line_task.cancel()
            break
        line = line_task.result()
        if not line:
            await stop
            break
        if reply := await handle(line.decode(errors="replace")):
            print(reply, flush=True)
