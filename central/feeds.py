"""Per-warehouse feeds of commands (the outbox the sync layer serves to edge nodes).

`append` takes the next feed_seqs from the warehouse's counter row in the caller's
transaction, so seqs are gap-free per warehouse, and because the counter row stays locked
until commit, a reader never sees seq n+1 before seq n.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.tables import feed, feed_counters
from central.errors import NotFound
from sync.feed import FeedCommand, FeedEntry, parse_command

MAX_READ = 1000


def append(
    conn: Connection, warehouse_id: str, commands: Sequence[FeedCommand], *, now: datetime
) -> list[int]:
    """Append commands to a warehouse's feed; returns their feed_seqs, in order."""
    if not commands:
        return []
    seqs = _reserve(conn, warehouse_id, len(commands))
    _insert(conn, warehouse_id, seqs, commands, now)
    return seqs


def append_numbered(conn: Connection, warehouse_id: str, build: Callable[[int], FeedCommand], *,
                    now: datetime) -> int:
    """Append the command `build(feed_seq)` makes: for a command that carries its own place in
    the feed (a version that only ever grows); returns that feed_seq."""
    (seq,) = _reserve(conn, warehouse_id, 1)
    _insert(conn, warehouse_id, [seq], [build(seq)], now)
    return seq


def _reserve(conn: Connection, warehouse_id: str, count: int) -> list[int]:
    last = conn.execute(
        feed_counters.update()
        .where(feed_counters.c.warehouse_id == warehouse_id)
        .values(last_seq=feed_counters.c.last_seq + count)
        .returning(feed_counters.c.last_seq)
    ).scalar_one_or_none()
    if last is None:
        raise NotFound(f"warehouse {warehouse_id} has no feed: create the warehouse first",
                       warehouse_id=warehouse_id)
    return list(range(last - count + 1, last + 1))


def _insert(conn: Connection, warehouse_id: str, seqs: list[int], commands: Sequence[FeedCommand],
            now: datetime) -> None:
    conn.execute(feed.insert(), [
        {"warehouse_id": warehouse_id, "feed_seq": seq, "command_type": cmd.type,
         "payload": cmd.model_dump_json(), "created_at": now}
        for seq, cmd in zip(seqs, commands, strict=True)
    ])


def open_feed(conn: Connection, warehouse_id: str) -> None:
    """Create a warehouse's counter row (no-op if it exists); call when creating a warehouse."""
    exists = conn.execute(sa.select(feed_counters.c.warehouse_id)
                          .where(feed_counters.c.warehouse_id == warehouse_id)).first()
    if exists is None:
        conn.execute(feed_counters.insert().values(warehouse_id=warehouse_id, last_seq=0))


def read(conn: Connection, warehouse_id: str, after: int, limit: int) -> list[FeedEntry]:
    """Entries with feed_seq > after, oldest first, at most `limit` (capped at MAX_READ)."""
    rows = conn.execute(
        sa.select(feed.c.feed_seq, feed.c.payload)
        .where(feed.c.warehouse_id == warehouse_id, feed.c.feed_seq > after)
        .order_by(feed.c.feed_seq)
        .limit(min(limit, MAX_READ))
    )
    return [FeedEntry(feed_seq=seq, command=parse_command(payload)) for seq, payload in rows]


def last_seq(conn: Connection, warehouse_id: str) -> int:
    value = conn.execute(sa.select(feed_counters.c.last_seq)
                         .where(feed_counters.c.warehouse_id == warehouse_id)).scalar_one_or_none()
    if value is None:
        raise NotFound(f"unknown warehouse {warehouse_id}", warehouse_id=warehouse_id)
    return value
