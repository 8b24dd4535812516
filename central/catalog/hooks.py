"""What the admin SKU upsert does for the storefront catalog, in the upsert's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog import categories, revision
from central.catalog.index import index_for
from central.db.tables import skus


class HasCategory(Protocol):
    @property
    def category_id(self) -> str | None: ...


def before_sku_upsert(conn: Connection, records: Sequence[HasCategory]) -> None:
    """Refuse SKUs that name a category the tree does not have."""
    wanted = {r.category_id for r in records if r.category_id is not None}
    if wanted:
        categories.check_known(conn, wanted)


def after_sku_upsert(conn: Connection, sku_ids: Sequence[str], now: datetime) -> None:
    """Date new SKUs (the "new" sort), stamp them with a new catalog revision (searches read
    what changed by it) and bring the search index up to date."""
    dated = sa.func.coalesce(skus.c.created_at, sa.literal(now, skus.c.created_at.type))
    revision.stamp(conn, sku_ids, revision.bump(conn), created_at=dated)
    index_for(conn.dialect.name).refresh(conn, sku_ids)
