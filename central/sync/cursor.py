"""The per-warehouse upload cursor and the digests of movements central already holds."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.tables import edge_movements, sync_cursors
from central.db.upsert import insert_missing
from sync.applier import Cursor


def lock_cursor(conn: Connection, warehouse_id: str, now: datetime) -> Cursor:
    """The warehouse's cursor, locked until the caller's transaction ends.

    The row is created on the first upload; on PostgreSQL FOR UPDATE makes concurrent uploads
    for one warehouse queue here (SQLite write transactions are exclusive already).
    """
    insert_missing(conn, sync_cursors, [{"warehouse_id": warehouse_id, "node_id": None, "epoch": 0,
                                         "last_seq": 0, "updated_at": now}], keys=("warehouse_id",))
    query = sa.select(sync_cursors.c.node_id, sync_cursors.c.epoch, sync_cursors.c.last_seq).where(
        sync_cursors.c.warehouse_id == warehouse_id)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update()
    node_id, epoch, last_seq = conn.execute(query).one()
    return Cursor(node_id, epoch, last_seq)


def read_cursor(conn: Connection, warehouse_id: str) -> Cursor:
    row = conn.execute(sa.select(sync_cursors.c.node_id, sync_cursors.c.epoch, sync_cursors.c.last_seq)
                       .where(sync_cursors.c.warehouse_id == warehouse_id)).one_or_none()
    return Cursor(*row) if row else Cursor(None, 0, 0)


def save_cursor(conn: Connection, warehouse_id: str, cursor: Cursor, now: datetime) -> None:
    conn.execute(sync_cursors.update().where(sync_cursors.c.warehouse_id == warehouse_id).values(
        node_id=cursor.node_id, epoch=cursor.epoch, last_seq=cursor.last_seq, updated_at=now))


def known_digests(conn: Connection, warehouse_id: str, seqs: tuple[int, int] | None) -> dict[int, str]:
    """seq -> digest for the seqs of a batch central already applied (a replay or a fence)."""
    if seqs is None:
        return {}
    low, high = seqs
    rows = conn.execute(sa.select(edge_movements.c.seq, edge_movements.c.digest).where(
        edge_movements.c.warehouse_id == warehouse_id, edge_movements.c.seq.between(low, high)))
    return {seq: d for seq, d in rows}
