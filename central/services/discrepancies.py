"""Listing the discrepancies the stock view recorded (a negative on hand, an unknown SKU...)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel

from central.bootstrap import Central
from central.db.tables import discrepancies


class DiscrepancyView(BaseModel):
    discrepancy_id: int
    warehouse_id: str
    sku: str
    kind: str
    on_hand_before: int
    delta: int
    shortfall: int
    ref: str | None
    created_at: datetime
    resolved_at: datetime | None


def list_discrepancies(central: Central, warehouse_id: str | None, open_only: bool, after: int,
                       limit: int) -> list[DiscrepancyView]:
    """Oldest first, with discrepancy_id > after (page with the last id seen)."""
    query = sa.select(discrepancies).where(discrepancies.c.discrepancy_id > after)
    if warehouse_id is not None:
        query = query.where(discrepancies.c.warehouse_id == warehouse_id)
    if open_only:
        query = query.where(discrepancies.c.resolved_at.is_(None))
    with central.db.read() as conn:
        rows = conn.execute(query.order_by(discrepancies.c.discrepancy_id).limit(limit)).mappings().all()
    return [DiscrepancyView(**row) for row in rows]
