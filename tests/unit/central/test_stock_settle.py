"""central.sync.stock_deltas: a batch's per-SKU totals and how they settle on central's levels."""

from __future__ import annotations

import pytest

from central.stock import NEGATIVE_ON_HAND
from central.sync.stock_deltas import (
    MAX_ON_HAND,
    NEGATIVE_UNSELLABLE,
    ON_HAND_OVERFLOW,
    UNSELLABLE_OVER_ON_HAND,
    Level,
    settle,
    sum_deltas,
)
from sync.movements import Movement


def mv(seq: int, kind: str, qty: int, frm: tuple = (None, None), to: tuple = (None, None), sku: str = "A"):
    return Movement(seq, f"m{seq}", "2026-03-02T09:00:00+00:00", kind, sku, "", qty, frm[0], to[0], None, None,
                    None, None, None, None, None, frm[1], to[1])


RETURNS, QUARANTINE, FACE = ("RET-01", False), ("QUA-01", False), ("A-01", True)


def test_a_return_through_inspection_nets_out_per_sku():
    batch = [mv(1, "return", 3, to=RETURNS), mv(2, "move", 1, RETURNS, FACE), mv(3, "move", 1, RETURNS, QUARANTINE),
             mv(4, "adjust", 1, RETURNS), mv(5, "receive", 5, to=("RCV-01", True), sku="B")]
    assert sum_deltas(batch) == {"A": Level(2, 1), "B": Level(5, 0)}
    assert sum_deltas(batch[:1]) == {"A": Level(3, 3)}


@pytest.mark.parametrize("level,delta,after,kinds", [
    (Level(10, 2), Level(3, 3), Level(13, 5), []),
    (Level(10, 2), Level(0, -2), Level(10, 0), []),
    (Level(10, 0), Level(0, -2), Level(10, 0), [(NEGATIVE_UNSELLABLE, 0, -2, 2)]),     # returns older than the split
    (Level(1, 0), Level(-3, 0), Level(0, 0), [(NEGATIVE_ON_HAND, 1, -3, 2)]),
    (Level(1, 1), Level(-3, 0), Level(0, 0), [(NEGATIVE_ON_HAND, 1, -3, 2), (UNSELLABLE_OVER_ON_HAND, 1, 0, 1)]),
    (Level(2, 0), Level(0, 4), Level(2, 2), [(UNSELLABLE_OVER_ON_HAND, 0, 4, 2)]),
    (Level(MAX_ON_HAND, 0), Level(1, 0), Level(MAX_ON_HAND, 0), [(ON_HAND_OVERFLOW, MAX_ON_HAND, 1, 0)]),
])
def test_settle_keeps_unsellable_within_on_hand_and_names_each_bound_hit(level, delta, after, kinds):
    assert settle(level, delta) == (after, kinds)
