"""Delivery, route and stop transition tables; the order status they add up to; ETAs; CSV matrices."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from central.domain.routing import Point
from central.logistics.errors import BadMatrix, OutOfOrder
from central.logistics.eta import Ahead, etas
from central.logistics.lifecycle import (
    DELIVERY_TRANSITIONS,
    Delivery,
    RouteStatus,
    StopStatus,
    check_delivery,
    check_route,
    check_stop,
    order_delivery_status,
)
from central.logistics.travel import Estimate, Place, estimate, from_csv

A, B, C = Place("wh", Point(55.75, 37.62)), Place("pp1", Point(55.80, 37.50)), Place("pp2", Point(55.70, 37.70))


def test_every_delivery_state_is_reached_only_through_the_table() -> None:
    for current, allowed in DELIVERY_TRANSITIONS.items():
        for target in Delivery:
            if target in allowed:
                check_delivery("s1", current, target)
            else:
                with pytest.raises(OutOfOrder, match=f"s1 is {current.value} and cannot become {target.value}"):
                    check_delivery("s1", current, target)
    assert not DELIVERY_TRANSITIONS[Delivery.HANDED_OVER] and not DELIVERY_TRANSITIONS[Delivery.RETURNING]


def test_routes_and_stops_only_move_forward() -> None:
    check_route("r", RouteStatus.PLANNED, RouteStatus.DEPARTED)
    check_route("r", RouteStatus.DEPARTED, RouteStatus.COMPLETED)
    for current, target in [(RouteStatus.DEPARTED, RouteStatus.PLANNED), (RouteStatus.PLANNED, RouteStatus.COMPLETED),
                            (RouteStatus.COMPLETED, RouteStatus.DEPARTED)]:
        with pytest.raises(OutOfOrder):
            check_route("r", current, target)
    check_stop("r", 1, StopStatus.PENDING, StopStatus.FAILED)
    with pytest.raises(OutOfOrder, match="stop 2 of route r is done"):
        check_stop("r", 2, StopStatus.DONE, StopStatus.ARRIVED)


@pytest.mark.parametrize(("states", "shown"), [
    ([Delivery.AT_PICKUP_POINT, Delivery.AT_PICKUP_POINT], "READY_FOR_PICKUP"),
    ([Delivery.AT_PICKUP_POINT, Delivery.HANDED_OVER], "READY_FOR_PICKUP"),
    ([Delivery.HANDED_OVER], "COMPLETED"),
    ([Delivery.AT_PICKUP_POINT, Delivery.ON_ROUTE], None),
    ([Delivery.AT_PICKUP_POINT, None], None),  # one shipment not even planned yet
    ([], None),
])
def test_order_status_from_its_shipments(states: list[Delivery | None], shown: str | None) -> None:
    assert order_delivery_status(states) == shown


def test_etas_follow_the_van_and_wait_for_opening() -> None:
    t0 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
    ahead = [Ahead(600, t0, 300), Ahead(1200, t0 + timedelta(hours=2), 300), Ahead(60, t0, 0)]
    assert etas(t0, ahead) == [t0 + timedelta(seconds=600), t0 + timedelta(seconds=2100),
                               t0 + timedelta(hours=2, seconds=360)]


def test_estimate_is_great_circle_times_detour_at_speed() -> None:
    m = estimate([A, B], Estimate(speed_kmh=36, detour_factor=1.5))
    assert m.distance_m[0][0] == 0 and 13_000 < m.distance_m[0][1] < 14_500
    assert m.duration_s[0][1] == round(m.distance_m[0][1] / 10)


def test_operator_matrix_from_csv() -> None:
    rows = ["from_id,to_id,distance_m,duration_s"] + [f"{a},{b},{1000 * (i + 1)},{60 * (i + 1)}" for i, (a, b) in
                                                       enumerate([("wh", "pp1"), ("pp1", "wh"), ("wh", "pp2"),
                                                                  ("pp2", "wh"), ("pp1", "pp2"), ("pp2", "pp1")])]
    m = from_csv("\n".join([*rows, "xx,yy,1,1", ""]), [A, B, C])
    assert m.distance_m[0][1] == 1000 and m.duration_s[2][1] == 360 and m.distance_m[1][1] == 0


@pytest.mark.parametrize(("text", "problem"), [
    ("a,b,c\n", "first line must be the header"),
    ("from_id,to_id,distance_m,duration_s\nwh,pp1,ten,5\n", "matrix:2: distance_m and duration_s must be numbers"),
    ("from_id,to_id,distance_m,duration_s\nwh,pp1,-1,5\n", "matrix:2: distance_m must be"),
    ("from_id,to_id,distance_m,duration_s\nwh,pp1,1\n", "matrix:2: expected 4 fields"),
    ("from_id,to_id,distance_m,duration_s\nwh,pp1,1,1\n", "no row for 1 pair"),
    ("from_id,to_id,distance_m,duration_s\nwh,pp1,nan,1\n", "matrix:2: distance_m must be"),
])
def test_a_bad_matrix_is_refused_saying_where(text: str, problem: str) -> None:
    with pytest.raises(BadMatrix, match=problem):
        from_csv(text, [A, B])
