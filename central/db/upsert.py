"""INSERT ... ON CONFLICT for both dialects."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection


def upsert(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows; where a row with the same keys exists, overwrite its other given columns."""
    if not rows:
        return
    stmt = _insert(conn, table)
    updates = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=updates), rows)


def insert_missing(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows whose keys are not there yet; leave existing rows alone."""
    if not rows:
        return
    conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=list(keys)), rows)


def _insert(conn: Connection, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
    return (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(table)
