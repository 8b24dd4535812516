"""Long-polling a warehouse's feed: answer at once when entries exist, else wait for one.

Waiting polls the feed counter (one primary-key read) every POLL_SECONDS instead of holding a
notification channel: it needs nothing from the database beyond SQL, works the same on SQLite
and PostgreSQL, and any uvicorn worker sees entries another worker appended. A waiting request
sleeps on the event loop and holds no thread or connection between polls.
"""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa
from starlette.concurrency import run_in_threadpool

from central import feeds
from central.bootstrap import Central
from central.db.tables import feed_counters
from sync.feed import FeedEntry

MAX_WAIT_SECONDS = 30.0
POLL_SECONDS = 0.15


def read_page(central: Central, warehouse_id: str, after: int, limit: int) -> tuple[list[FeedEntry], int]:
    """(entries after the cursor, the feed's last seq); entries are read only if there are any."""
    with central.db.read() as conn:
        last = conn.execute(sa.select(feed_counters.c.last_seq)
                            .where(feed_counters.c.warehouse_id == warehouse_id)).scalar_one_or_none() or 0
        return (feeds.read(conn, warehouse_id, after, limit) if last > after else []), last


async def wait_for_entries(central: Central, warehouse_id: str, after: int, limit: int,
                           wait: float) -> tuple[list[FeedEntry], int]:
    deadline = time.monotonic() + min(max(wait, 0.0), MAX_WAIT_SECONDS)
    while True:
        entries, last = await run_in_threadpool(read_page, central, warehouse_id, after, limit)
        left = deadline - time.monotonic()
        if entries or left <= 0:
            return entries, last
        await asyncio.sleep(min(POLL_SECONDS, left))
