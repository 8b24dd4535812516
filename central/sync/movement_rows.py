"""Storing a batch's new movements in edge_movements, as fast as each database allows.

PostgreSQL gets COPY (a 5,000-movement batch in a few milliseconds, against ~10x that for
multi-row INSERTs); SQLite gets one prepared INSERT run over every row. Both go through the
caller's connection, so they commit or roll back with the rest of the batch.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from sync.movements import Movement, digest

COLUMNS = ("warehouse_id", "seq", "movement_id", "digest", "kind", "sku", "lot", "qty",
           "from_location", "to_location", "shipment_ref", "order_ref", "at")
_COPY = f"COPY edge_movements ({', '.join(COLUMNS)}) FROM STDIN"
_INSERT = f"INSERT INTO edge_movements ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"


def rows(warehouse_id: str, movements: Sequence[Movement], digests: Sequence[str] | None = None) -> list[tuple]:
    """The edge_movements rows of `movements`, in COLUMNS order (`digests`: theirs, if known)."""
    if digests is None:
        digests = [digest(m) for m in movements]
    return [(warehouse_id, m.seq, m.id, d, m.kind, m.sku, m.lot, m.qty, m.from_location,
             m.to_location, m.shipment_ref, m.order_ref, m.at) for m, d in zip(movements, digests, strict=True)]


def insert_movements(conn: Connection, values: Sequence[tuple]) -> None:
    """Store `rows(...)` of the new movements."""
    if not values:
        return
    driver = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        with driver.cursor() as cur, cur.copy(_COPY) as copy:  # type: ignore[union-attr]
            for row in values:
                copy.write_row(row)
    else:
        driver.executemany(_INSERT, values)  # type: ignore[union-attr]
