"""Stock view per (warehouse, SKU): on_hand, reserved, unsellable, and what is for sale:
available = on_hand - reserved - unsellable (`available`, the one rule every reader uses).

Every function takes a Connection and works inside the caller's transaction, so a caller can
combine stock changes with its own writes atomically. on_hand changes only through the sync
applier (warehouse movements, central/sync/stock_deltas.py) and `set_on_hand` (admin import of
initial stock); reserved only through `reserve` and `release`; unsellable only through the sync
applier (movements into and out of returns and quarantine locations).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from central.db.tables import skus, stock, warehouses
from central.db.upsert import upsert
from central.errors import InvariantBroken, NotFound, UnknownSku

NEGATIVE_ON_HAND = "negative_on_hand"


def available(t: sa.TableClause = stock) -> sa.ColumnElement[int]:
    """Units a customer may buy: on hand, less those held for orders, less those the floor will
    not pick (a return not yet inspected, quarantine). Only > 0 counts as available; a row whose
    reservations predate a return's arrival can be below 0 until its holds are released."""
    return t.c.on_hand - t.c.reserved - t.c.unsellable


def available_sql(alias: str = "stock") -> str:
    """`available` as PostgreSQL text, for the SQL written out by hand (checkout_pg, and the
    checkout_record function of migration 0012): the same rule, not a copy of it."""
    return str(available(stock.alias(alias) if alias != "stock" else stock)
               .compile(dialect=postgresql.dialect()))


@dataclass(frozen=True)
class StockLevel:
    warehouse_id: str
    sku: str
    on_hand: int
    reserved: int
    unsellable: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved - self.unsellable


def set_on_hand(
    conn: Connection, levels: Iterable[tuple[str, str, int]], *, now: datetime
) -> int:
    """Admin import: set on_hand for (warehouse_id, sku, on_hand) rows; reserved and unsellable are
    kept (the sync applier brings unsellable back within on_hand with the SKU's next movement)."""
    rows = [{"warehouse_id": w, "sku": s, "on_hand": q, "updated_at": now} for w, s, q in levels]
    check_known(conn, {r["warehouse_id"] for r in rows}, {r["sku"] for r in rows})
    upsert(conn, stock, rows, keys=("warehouse_id", "sku"))
    return len(rows)


def reserve(conn: Connection, warehouse_id: str, sku: str, qty: int, *, now: datetime) -> bool:
    """Hold `qty` units if that many are available; False (and nothing changed) if not."""
    return bool(conn.execute(_RESERVE, {"w": warehouse_id, "s": sku, "q": qty, "now": now}
                             ).rowcount)


# Prebuilt: checkout runs this for every line of every order.
_RESERVE = (
    stock.update()
    .where(stock.c.warehouse_id == sa.bindparam("w"), stock.c.sku == sa.bindparam("s"),
           available() >= sa.bindparam("q"))
    .values(reserved=stock.c.reserved + sa.bindparam("q"), updated_at=sa.bindparam("now"))
)


def release(conn: Connection, warehouse_id: str, sku: str, qty: int, *, now: datetime) -> None:
    """Give back `qty` held units (an order expired, was cancelled, or shipped)."""
    released = conn.execute(
        stock.update()
        .where(stock.c.warehouse_id == warehouse_id, stock.c.sku == sku,
               stock.c.reserved >= qty)
        .values(reserved=stock.c.reserved - qty, updated_at=now)
    ).rowcount
    if not released:
        raise InvariantBroken(
            f"releasing {qty} of {sku} in {warehouse_id} but fewer are reserved",
            warehouse_id=warehouse_id, sku=sku,
        )


def get_level(conn: Connection, warehouse_id: str, sku: str) -> StockLevel:
    row = conn.execute(
        sa.select(stock.c.on_hand, stock.c.reserved, stock.c.unsellable)
        .where(stock.c.warehouse_id == warehouse_id, stock.c.sku == sku)
    ).one_or_none()
    return StockLevel(warehouse_id, sku, *(row if row else (0, 0, 0)))


def list_levels(
    conn: Connection, *, warehouse_id: str | None = None, sku: str | None = None,
    limit: int = 1000,
) -> list[StockLevel]:
    query = sa.select(stock.c.warehouse_id, stock.c.sku, stock.c.on_hand, stock.c.reserved, stock.c.unsellable)
    if warehouse_id is not None:
        query = query.where(stock.c.warehouse_id == warehouse_id)
    if sku is not None:
        query = query.where(stock.c.sku == sku)
    rows = conn.execute(query.order_by(stock.c.warehouse_id, stock.c.sku).limit(limit))
    return [StockLevel(*row) for row in rows]


def availability(conn: Connection, sku_ids: Iterable[str]) -> dict[str, dict[str, int]]:
    """warehouse_id -> sku -> available units, only where something is available."""
    result: dict[str, dict[str, int]] = {}
    rows = conn.execute(
        sa.select(stock.c.warehouse_id, stock.c.sku, available())
        .where(stock.c.sku.in_(list(sku_ids)), available() > 0)
    )
    for warehouse_id, sku, units in rows:
        result.setdefault(warehouse_id, {})[sku] = units
    return result


def check_known(conn: Connection, warehouse_ids: set[str], sku_ids: set[str]) -> None:
    """Raise NotFound / UnknownSku naming what central does not know."""
    known_w = set(conn.execute(sa.select(warehouses.c.warehouse_id)
                               .where(warehouses.c.warehouse_id.in_(warehouse_ids))).scalars())
    if missing := sorted(warehouse_ids - known_w):
        raise NotFound(f"unknown warehouse(s): {', '.join(missing[:10])}", warehouses=missing)
    known_s: set[str] = set()
    ids = sorted(sku_ids)
    for i in range(0, len(ids), 1000):
        known_s.update(conn.execute(sa.select(skus.c.sku)
                                    .where(skus.c.sku.in_(ids[i:i + 1000]))).scalars())
    if missing := sorted(sku_ids - known_s):
        raise UnknownSku(f"unknown SKU(s): {', '.join(missing[:10])}; add them to the catalog "
                         "first", skus=missing[:100])
