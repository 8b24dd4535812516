"""Pure domain planning: allocation (FEFO, nearest, partial), putaway suggestion, serpentine path."""

from __future__ import annotations

from datetime import date

import pytest

from edge.domain.allocation import plan_allocation
from edge.domain.path import walking_order
from edge.domain.putaway import BinLoad, suggest_putaway

TODAY = date(2026, 6, 1)


@pytest.fixture
def origin(loc):
    return loc("PACK-01", 0.0, 0.0, type="pack_station", zone="OUT")


def _plan(plan):
    return [(a.stock.location.code, a.stock.lot, a.qty) for a in plan]


def test_fefo_takes_the_earliest_expiry_even_when_farther(loc, stock, origin):
    near, far = loc("A-01-01", 1, 1), loc("F-24-01", 50, 50)
    candidates = [stock(near, 10, lot="L-LATE", expiry=date(2027, 1, 1)),
                  stock(far, 4, lot="L-SOON", expiry=date(2026, 7, 1))]
    plan, left = plan_allocation(6, candidates, origin, lot_tracked=True, today=TODAY)
    assert _plan(plan) == [("F-24-01", "L-SOON", 4), ("A-01-01", "L-LATE", 2)]
    assert left == 0


def test_expired_lots_are_never_allocated(loc, stock, origin):
    bins = [loc("A-01-01", 1, 1), loc("A-02-01", 1, 2), loc("A-03-01", 1, 3)]
    candidates = [stock(bins[0], 5, lot="OLD", expiry=date(2026, 5, 31)),
                  stock(bins[1], 5, lot="TODAY", expiry=TODAY),
                  stock(bins[2], 5, lot="NO-EXPIRY")]
    plan, left = plan_allocation(12, candidates, origin, lot_tracked=True, today=TODAY)
    # Expiring today is still sellable; a lot without expiry comes after every dated one.
    assert _plan(plan) == [("A-02-01", "TODAY", 5), ("A-03-01", "NO-EXPIRY", 5)]
    assert left == 2


def test_expiry_is_ignored_for_untracked_skus(loc, stock, origin):
    near, far = loc("A-01-01", 1, 1), loc("F-24-01", 50, 50)
    candidates = [stock(far, 5, expiry=date(2026, 6, 2)), stock(near, 5, expiry=date(2020, 1, 1))]
    plan, _ = plan_allocation(3, candidates, origin, lot_tracked=False, today=TODAY)
    assert _plan(plan) == [("A-01-01", "", 3)]


def test_pick_faces_come_before_reserve(loc, stock, origin):
    reserve_near = loc("A-01-03", 1, 1, type="reserve")
    face_far = loc("C-20-01", 30, 30)
    plan, left = plan_allocation(8, [stock(reserve_near, 10), stock(face_far, 5)], origin, lot_tracked=False)
    assert _plan(plan) == [("C-20-01", "", 5), ("A-01-03", "", 3)]
    assert left == 0


def test_nearest_pick_face_first_then_by_code(loc, stock, origin):
    bins = [loc("B", 3, 4), loc("C", 1, 1), loc("A", 4, 3)]  # B and A are equally far (7), C is at 2
    plan, _ = plan_allocation(30, [stock(b, 10) for b in bins], origin, lot_tracked=False)
    assert [a.stock.location.code for a in plan] == ["C", "A", "B"]


def test_partial_allocation_reports_what_is_left(loc, stock, origin):
    candidates = [stock(loc("A", 1, 1), 10, allocated=7), stock(loc("B", 2, 2), 4, allocated=4)]
    plan, left = plan_allocation(5, candidates, origin, lot_tracked=False)
    assert _plan(plan) == [("A", "", 3)]  # only the free units; the fully allocated bin is skipped
    assert left == 2


def test_non_storage_locations_are_not_allocated(loc, stock, origin):
    candidates = [stock(loc("RCV-01", 0, 0, type="receiving"), 50), stock(loc("T00001", 0, 0, type="tote"), 50),
                  stock(loc("STG-01", 0, 0, type="staging"), 50)]
    plan, left = plan_allocation(5, candidates, origin, lot_tracked=False)
    assert plan == [] and left == 5


def test_no_candidates(origin):
    assert plan_allocation(3, [], origin, lot_tracked=True, today=TODAY) == ([], 3)


# --- putaway --------------------------------------------------------------------------------------

def test_putaway_prefers_a_bin_already_holding_the_sku(loc, origin):
    near, far = loc("A-01-03", 1, 1, type="reserve"), loc("F-24-03", 40, 40, type="reserve")
    best = suggest_putaway(10, origin, [BinLoad(near, 0, False), BinLoad(far, 5, True)])
    assert best == far


def test_putaway_nearest_with_room(loc, origin):
    full = loc("A-01-03", 1, 1, type="reserve", capacity=20)
    roomy = loc("B-01-03", 5, 5, type="reserve", capacity=20)
    bins = [BinLoad(full, 15, True), BinLoad(roomy, 10, False), BinLoad(loc("Z", 9, 9, type="reserve"), 0, False)]
    assert suggest_putaway(10, origin, bins) == roomy  # exactly fills it: 20 - 10 >= 10
    assert suggest_putaway(11, origin, bins).code == "Z"


def test_putaway_zone_filter_and_storage_only(loc, origin):
    bins = [BinLoad(loc("A", 1, 1, type="reserve", zone="AMB"), 0, False),
            BinLoad(loc("K", 2, 2, type="reserve", zone="BULK"), 0, False),
            BinLoad(loc("STG", 0, 0, type="staging", zone="BULK"), 0, False)]
    assert suggest_putaway(1, origin, bins, zone="BULK").code == "K"
    assert suggest_putaway(1, origin, bins, zone="COLD") is None


def test_putaway_none_when_nothing_fits(loc, origin):
    assert suggest_putaway(101, origin, [BinLoad(loc("A", 1, 1), 0, False)]) is None
    assert suggest_putaway(1, origin, []) is None


# --- serpentine walking order ---------------------------------------------------------------------

def test_walking_order_is_serpentine(loc):
    cells = [loc(f"{aisle}{y}", x, float(y)) for aisle, x in (("A", 10.0), ("B", 13.5), ("C", 17.0))
             for y in (3, 1, 2)]
    order = [c.code for c in walking_order(reversed(cells))]
    assert order == ["A1", "A2", "A3", "B3", "B2", "B1", "C1", "C2", "C3"]


def test_walking_order_groups_nearly_equal_x_and_breaks_ties_by_code(loc):
    cells = [loc("A-01-02", 10.001, 1.0), loc("A-01-01", 10.0, 1.0), loc("B-01-01", 14.0, 5.0)]
    assert [c.code for c in walking_order(cells)] == ["A-01-01", "A-01-02", "B-01-01"]


def test_walking_order_empty():
    assert walking_order([]) == []
