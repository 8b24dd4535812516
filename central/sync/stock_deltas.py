"""A batch's effect on the stock view: on-hand and unsellable deltas summed per SKU, applied in bulk.

Movements are physical facts and are never refused: where central's view would go below zero,
on_hand becomes 0 and a `negative_on_hand` discrepancy is recorded for a person to look at; a
SKU central does not know cannot have a stock row, so its movements are recorded as an
`unknown_sku` discrepancy for a person to sort out.
The unsellable units follow the same way: never below 0 (`negative_unsellable`) nor above
on_hand (`unsellable_over_on_hand`), each recorded with the unsellable count before it in
on_hand_before. Summing per SKU first means a batch costs one read and one write per SKU it
touches, and that a receipt and a shipment of the same SKU in one batch net out instead of
tripping the floor.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.db.tables import discrepancies, skus, stock
from central.db.types import naive_utc
from central.db.upsert import insert_missing
from central.stock import NEGATIVE_ON_HAND
from sync.movements import Movement, unsellable_delta, warehouse_delta

UNKNOWN_SKU = "unknown_sku"
ON_HAND_OVERFLOW = "on_hand_overflow"
NEGATIVE_UNSELLABLE = "negative_unsellable"
UNSELLABLE_OVER_ON_HAND = "unsellable_over_on_hand"
MAX_ON_HAND = 2**31 - 1  # the stock.on_hand column is a 32-bit integer on PostgreSQL


class Level(NamedTuple):
    """A SKU's stock as the movements set it (or a change to it)."""

    on_hand: int
    unsellable: int


def sum_deltas(movements: Sequence[Movement]) -> dict[str, Level]:
    """sku -> total change of on hand and of unsellable; every SKU the batch mentions is a key (even at 0)."""
    on_hand: dict[str, int] = {}
    unsellable: dict[str, int] = {}
    for m in movements:
        on_hand[m.sku] = on_hand.get(m.sku, 0) + warehouse_delta(m)
        unsellable[m.sku] = unsellable.get(m.sku, 0) + unsellable_delta(m)
    return {sku: Level(total, unsellable[sku]) for sku, total in on_hand.items()}


def apply_deltas(conn: Connection, warehouse_id: str, totals: dict[str, Level], *, now: datetime,
                 ref: str) -> int:
    """Move on_hand and unsellable by `totals`; returns how many discrepancies were recorded."""
    pg = conn.dialect.name == "postgresql"
    changing = {sku: delta for sku, delta in totals.items() if any(delta)}
    # On PostgreSQL the locked rows come first: a SKU with a stock row is known (foreign key), so
    # the catalog is asked only about the rest, which is usually nobody.
    before = _lock_existing(conn, warehouse_id, changing) if pg else {}
    known = set(before) | _known_skus(conn, [sku for sku in totals if sku not in before])
    problems = [discrepancy_row(warehouse_id, sku, UNKNOWN_SKU, 0, delta.on_hand, 0, ref, now)
                for sku, delta in totals.items() if sku not in known]
    changing = {sku: delta for sku, delta in changing.items() if sku in known}
    if not pg:
        before = _lock_levels(conn, warehouse_id, changing, now)
    after: dict[str, Level] = {}
    for sku, delta in sorted(changing.items()):
        after[sku], bounds = settle(before.get(sku, Level(0, 0)), delta)
        problems += [discrepancy_row(warehouse_id, sku, *bound, ref, now) for bound in bounds]
    _write_levels(conn, warehouse_id, after, now)
    if problems:
        conn.execute(discrepancies.insert(), problems)
    return len(problems)


def settle(level: Level, delta: Level) -> tuple[Level, list[tuple[str, int, int, int]]]:
    """`level` moved by `delta`, kept within 0 <= unsellable <= on_hand <= MAX_ON_HAND, and each
    bound it hit as (discrepancy kind, value before, delta, shortfall)."""
    bounds = []
    on_hand = level.on_hand + delta.on_hand
    if on_hand < 0:
        bounds.append((NEGATIVE_ON_HAND, level.on_hand, delta.on_hand, -on_hand))
    elif on_hand > MAX_ON_HAND:
        bounds.append((ON_HAND_OVERFLOW, level.on_hand, delta.on_hand, 0))
    on_hand = min(max(on_hand, 0), MAX_ON_HAND)
    unsellable = level.unsellable + delta.unsellable
    if unsellable < 0:
        bounds.append((NEGATIVE_UNSELLABLE, level.unsellable, delta.unsellable, -unsellable))
    elif unsellable > on_hand:
        bounds.append((UNSELLABLE_OVER_ON_HAND, level.unsellable, delta.unsellable, unsellable - on_hand))
    return Level(on_hand, min(max(unsellable, 0), on_hand)), bounds


def discrepancy_row(warehouse_id: str, sku: str, kind: str, before: int, delta: int, shortfall: int,
                 ref: str, now: datetime) -> dict:
    return {"warehouse_id": warehouse_id, "sku": sku[:64], "kind": kind, "on_hand_before": before,
            "delta": _int32(delta), "shortfall": _int32(shortfall), "ref": ref[:128], "created_at": now}


def _int32(n: int) -> int:
    """Discrepancy columns are 32-bit: an absurd total is recorded at the limit, not refused."""
    return max(-MAX_ON_HAND, min(MAX_ON_HAND, n))


def _known_skus(conn: Connection, names: list[str]) -> set[str]:
    if not names:
        return set()
    if conn.dialect.name == "postgresql":  # one array parameter: expanding IN costs ~75 ms a batch
        return {sku for (sku,) in _pg(conn).execute(_PG_KNOWN, (names,), prepare=False)}
    found: set[str] = set()
    for i in range(0, len(names), 5000):  # SQLite caps bound parameters per statement
        found.update(conn.execute(sa.select(skus.c.sku).where(skus.c.sku.in_(names[i:i + 5000]))).scalars())
    return found


def _lock_existing(conn: Connection, warehouse_id: str, changing: dict[str, Level]) -> dict[str, Level]:
    """PostgreSQL: current levels of the SKUs that have a stock row, locked in SKU order (as every
    batch locks them). Missing rows are created by `_write_levels`."""
    if not changing:
        return {}
    rows = _pg(conn).execute(_PG_LOCK, (warehouse_id, sorted(changing)), prepare=False).fetchall()
    return {sku: Level(on_hand, unsellable) for sku, on_hand, unsellable in rows}


def _lock_levels(conn: Connection, warehouse_id: str, changing: dict[str, Level], now: datetime
                 ) -> dict[str, Level]:
    """SQLite: current levels of the SKUs, rows created where missing (the write transaction
    is exclusive already)."""
    names = sorted(changing)
    levels: dict[str, Level] = {}
    for i in range(0, len(names), 5000):
        levels.update({sku: Level(on_hand, unsellable) for sku, on_hand, unsellable in conn.execute(
            sa.select(stock.c.sku, stock.c.on_hand, stock.c.unsellable)
            .where(stock.c.warehouse_id == warehouse_id, stock.c.sku.in_(names[i:i + 5000])))})
    missing = [{"warehouse_id": warehouse_id, "sku": s, "on_hand": 0, "reserved": 0, "updated_at": now}
               for s in names if s not in levels]
    if missing:
        insert_missing(conn, stock, missing, keys=("warehouse_id", "sku"))
        levels.update({row["sku"]: Level(0, 0) for row in missing})
    return levels


def _pg(conn: Connection):  # type: ignore[no-untyped-def]
    """The psycopg connection under `conn`, in the same transaction.

    Its array statements run unprepared: psycopg prepares a statement on its 5th run, and five
    runs later PostgreSQL switches to a generic plan that cannot see the array's size — measured
    at ~100-180 ms a batch for the row lock instead of ~3 ms."""
    return conn.connection.driver_connection


_PG_KNOWN = "SELECT sku FROM skus WHERE sku = ANY(%s)"
_PG_LOCK = ("SELECT sku, on_hand, unsellable FROM stock WHERE warehouse_id = %s AND sku = ANY(%s) "
            "ORDER BY sku FOR UPDATE")
# Rows that exist are locked already; a missing one is created here, in SKU order, at its new level.
_PG_SET = ("INSERT INTO stock (warehouse_id, sku, on_hand, reserved, unsellable, updated_at) "
           "SELECT %s, v.sku, v.on_hand, 0, v.unsellable, %s "
           "FROM unnest(%s::text[], %s::int[], %s::int[]) AS v(sku, on_hand, unsellable) "
           "ORDER BY v.sku "
           "ON CONFLICT (warehouse_id, sku) DO UPDATE SET on_hand = excluded.on_hand, "
           "unsellable = excluded.unsellable, updated_at = excluded.updated_at")
_SET = (stock.update()
        .where(stock.c.warehouse_id == sa.bindparam("w"), stock.c.sku == sa.bindparam("s"))
        .values(on_hand=sa.bindparam("v"), unsellable=sa.bindparam("u"), updated_at=sa.bindparam("now")))


def _write_levels(conn: Connection, warehouse_id: str, levels: dict[str, Level], now: datetime) -> None:
    """One upsert for every SKU on PostgreSQL (unnest); one prepared UPDATE per SKU on SQLite."""
    if not levels:
        return
    if conn.dialect.name == "postgresql":
        _pg(conn).execute(_PG_SET, (warehouse_id, naive_utc(now), list(levels),
                                    [v.on_hand for v in levels.values()], [v.unsellable for v in levels.values()]),
                          prepare=False)
    else:
        conn.execute(_SET, [{"w": warehouse_id, "s": s, "v": v.on_hand, "u": v.unsellable, "now": now}
                            for s, v in levels.items()])
