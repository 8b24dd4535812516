"""The stock view: movements applied per SKU (central/sync/stock_deltas.py), holds, admin import,
each inside the caller's transaction."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from central import stock
from central.bootstrap import Central
from central.db.tables import discrepancies
from central.sync.stock_deltas import Level, apply_deltas


def moved(conn: sa.Connection, warehouse_id: str, sku: str, delta: int, now, ref: str = "n1:1") -> stock.StockLevel:
    apply_deltas(conn, warehouse_id, {sku: Level(delta, 0)}, now=now, ref=ref)
    return stock.get_level(conn, warehouse_id, sku)


def test_positive_and_negative_deltas(network: Central, clock) -> None:
    with network.db.write() as conn:
        assert moved(conn, "wh-msk", "A", 5, clock()).on_hand == 15
        level = moved(conn, "wh-msk", "A", -7, clock())
    assert (level.on_hand, level.reserved, level.available) == (8, 0, 8)


def test_first_movement_of_a_new_sku_in_a_warehouse_creates_the_row(network: Central,
                                                                     clock) -> None:
    with network.db.write() as conn:
        level = moved(conn, "wh-kzn", "A", 12, clock())
    assert level == stock.StockLevel("wh-kzn", "A", 12, 0, 0)


def test_going_below_zero_records_a_discrepancy(network: Central, clock) -> None:
    with network.db.write() as conn:
        level = moved(conn, "wh-kzn", "D", -6, clock(), ref="n3:77")
    assert level.on_hand == 0
    with network.db.read() as conn:
        rows = conn.execute(sa.select(discrepancies)).mappings().all()
    assert [(r["warehouse_id"], r["sku"], r["kind"], r["on_hand_before"], r["delta"],
             r["shortfall"], r["ref"]) for r in rows] == [
        ("wh-kzn", "D", "negative_on_hand", 4, -6, 2, "n3:77")]


def test_rolls_back_with_the_callers_transaction(network: Central, clock) -> None:
    with pytest.raises(RuntimeError), network.db.write() as conn:
        moved(conn, "wh-msk", "A", 100, clock())
        raise RuntimeError("the applier failed later in the batch")
    with network.db.read() as conn:
        assert stock.get_level(conn, "wh-msk", "A").on_hand == 10


def test_an_unknown_sku_is_recorded_not_refused(network: Central, clock) -> None:
    with network.db.write() as conn:
        apply_deltas(conn, "wh-msk", {"ZZZ": Level(1, 0)}, now=clock(), ref="n1:9")
    with network.db.read() as conn:
        rows = conn.execute(sa.select(discrepancies.c.sku, discrepancies.c.kind, discrepancies.c.delta)).all()
        assert stock.get_level(conn, "wh-msk", "A").on_hand == 10
    assert [tuple(r) for r in rows] == [("ZZZ", "unknown_sku", 1)]


def test_reserve_is_conditional_and_release_checked(network: Central, clock) -> None:
    with network.db.write() as conn:
        assert stock.reserve(conn, "wh-msk", "B", 5, now=clock())
        assert not stock.reserve(conn, "wh-msk", "B", 1, now=clock())
        stock.release(conn, "wh-msk", "B", 2, now=clock())
        assert stock.get_level(conn, "wh-msk", "B").available == 2
    with pytest.raises(Exception, match="fewer are reserved"), network.db.write() as conn:
        stock.release(conn, "wh-msk", "B", 4, now=clock())
