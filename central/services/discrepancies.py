"""The discrepancies the stock view recorded (a negative on hand, an unknown SKU...): listing
them, and a person at head office marking one resolved."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel

from central.bootstrap import Central
from central.db.tables import discrepancies
from central.errors import AlreadyResolved, NotFound


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
    resolution: str | None
    resolved_by: str | None


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


def resolve_discrepancy(central: Central, discrepancy_id: int, resolution: str,
                        resolved_by: str) -> DiscrepancyView:
    """Mark a discrepancy resolved, once; the same resolution again is answered as it stands.

    Stock is not touched: a discrepancy records what the warehouse reported, and a correction,
    if one is due, reaches central as a movement from that warehouse.
    """
    this = discrepancies.c.discrepancy_id == discrepancy_id
    with central.db.write() as conn:
        # Only an open one is written: of two people resolving it at once, the second finds
        # the first's resolution below (READ COMMITTED re-reads the row after the lock wait).
        conn.execute(discrepancies.update().where(this, discrepancies.c.resolved_at.is_(None))
                     .values(resolved_at=central.clock(), resolution=resolution,
                             resolved_by=resolved_by))
        row = conn.execute(sa.select(discrepancies).where(this)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"discrepancy {discrepancy_id} does not exist; "
                       "GET /admin/discrepancies?open_only=false lists them all",
                       discrepancy_id=discrepancy_id)
    view = DiscrepancyView(**row)
    if (view.resolution, view.resolved_by) != (resolution, resolved_by):
        raise _already_resolved(view)
    return view


def _already_resolved(view: DiscrepancyView) -> AlreadyResolved:
    assert view.resolved_at is not None  # only a resolved discrepancy can disagree
    when = view.resolved_at.isoformat()
    return AlreadyResolved(
        f"discrepancy {view.discrepancy_id} was already resolved by {view.resolved_by!r} at "
        f"{when} ({view.resolution!r}); a recorded resolution is not changed",
        discrepancy_id=view.discrepancy_id, resolved_at=when, resolved_by=view.resolved_by,
        resolution=view.resolution)
