"""The catalog revision: a counter every transaction that changes SKUs or categories bumps, with
the SKU rows it writes stamped with the new value (skus.catalog_rev).

The bump updates one row, which stays locked until the transaction ends: a second writer waits
for the first to commit before it gets the next revision, so revisions become visible in their
order, and a reader that sees revision R has every row stamped R or less (memory.py)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from central.db.tables import catalog_revision, skus

CHUNK = 1000


def bump(conn: Connection) -> int:
    """The next revision, for what this transaction changes (the first is 1)."""
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(catalog_revision)
    return conn.execute(insert.values(id=1, rev=1).on_conflict_do_update(
        index_elements=[catalog_revision.c.id], set_={"rev": catalog_revision.c.rev + 1})
        .returning(catalog_revision.c.rev)).scalar_one()


def stamp(conn: Connection, sku_ids: Sequence[str], revision: int, **values: object) -> None:
    """Mark these SKUs changed at `revision` (with any other column values given)."""
    for i in range(0, len(sku_ids), CHUNK):
        conn.execute(skus.update().where(skus.c.sku.in_(sku_ids[i:i + CHUNK]))
                     .values(catalog_rev=revision, **values))
