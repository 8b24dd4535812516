"""Routing rules: one warehouse if any can ship all (nearest), else fewest, then shortest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from central.domain.orders import Line
from central.domain.routing import Depot, Point, distance_km, plan_route
from central.errors import OutOfStock

MSK, SPB, KZN, EKB = (Depot("msk", Point(55.75, 37.62)), Depot("spb", Point(59.94, 30.32)),
                      Depot("kzn", Point(55.80, 49.11)), Depot("ekb", Point(56.84, 60.60)))
DEPOTS = [MSK, SPB, KZN, EKB]
NEAR_MSK = Point(55.76, 37.60)


def test_distance_moscow_to_saint_petersburg() -> None:
    assert distance_km(MSK.location, SPB.location) == pytest.approx(635, abs=5)
    assert distance_km(MSK.location, MSK.location) == 0


def test_nearest_warehouse_that_has_everything() -> None:
    stock = {"msk": {"a": 5, "b": 5}, "spb": {"a": 5, "b": 5}}
    plan = plan_route([Line("a", 1), Line("b", 2)], DEPOTS, stock, NEAR_MSK)
    assert [(p.warehouse_id, p.lines) for p in plan] == [("msk", (Line("a", 1), Line("b", 2)))]


def test_one_far_warehouse_beats_a_near_split() -> None:
    stock = {"msk": {"a": 5}, "kzn": {"b": 5}, "ekb": {"a": 5, "b": 5}}
    plan = plan_route([Line("a", 1), Line("b", 1)], DEPOTS, stock, NEAR_MSK)
    assert [p.warehouse_id for p in plan] == ["ekb"]


def test_split_picks_the_shortest_pair() -> None:
    stock = {"msk": {"a": 5}, "spb": {"b": 5}, "ekb": {"b": 5}, "kzn": {"c": 1}}
    plan = plan_route([Line("a", 1), Line("b", 1)], DEPOTS, stock, NEAR_MSK)
    assert sorted(p.warehouse_id for p in plan) == ["msk", "spb"]


def test_a_line_is_split_only_when_no_single_warehouse_holds_it() -> None:
    stock = {"msk": {"a": 3}, "spb": {"a": 4}}
    plan = plan_route([Line("a", 6)], DEPOTS, stock, NEAR_MSK)
    assert [(p.warehouse_id, p.lines) for p in plan] == [("msk", (Line("a", 3),)),
                                                          ("spb", (Line("a", 3),))]


def test_out_of_stock_names_what_is_short() -> None:
    with pytest.raises(OutOfStock) as err:
        plan_route([Line("a", 1), Line("b", 9)], DEPOTS, {"msk": {"a": 1, "b": 4},
                                                          "spb": {"b": 2}}, NEAR_MSK)
    assert err.value.message == "not enough stock for: b (6 available)"
    assert err.value.details == {"available": {"b": 6}}


def test_greedy_fallback_for_large_networks() -> None:
    depots = [Depot(f"w{i:03d}", Point(40 + i * 0.1, 30 + i * 0.1)) for i in range(200)]
    stock = {f"w{i:03d}": {f"s{i}": 1} for i in range(200)}
    lines = [Line(f"s{i}", 1) for i in range(0, 200, 40)]
    plan = plan_route(lines, depots, stock, Point(40, 30))
    assert sorted(p.warehouse_id for p in plan) == ["w000", "w040", "w080", "w120", "w160"]


stocks = st.dictionaries(st.sampled_from([d.warehouse_id for d in DEPOTS]),
                         st.dictionaries(st.sampled_from("abc"), st.integers(0, 6)), min_size=1)
baskets = st.dictionaries(st.sampled_from("abc"), st.integers(1, 8), min_size=1)


@given(stocks, baskets)
def test_plan_covers_the_basket_within_stock(stock: dict, basket: dict) -> None:
    lines = [Line(s, q) for s, q in basket.items()]
    try:
        plan = plan_route(lines, DEPOTS, stock, NEAR_MSK)
    except OutOfStock:
        assert any(sum(w.get(s, 0) for w in stock.values()) < q for s, q in basket.items())
        return
    shipped: dict[str, int] = {}
    for p in plan:
        for line in p.lines:
            assert line.qty <= stock[p.warehouse_id][line.sku]
            shipped[line.sku] = shipped.get(line.sku, 0) + line.qty
    assert shipped == basket
    single = [d for d in DEPOTS if all(stock.get(d.warehouse_id, {}).get(s, 0) >= q
                                       for s, q in basket.items())]
    if single:
        assert len(plan) == 1
