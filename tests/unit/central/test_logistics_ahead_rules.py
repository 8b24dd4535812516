"""Planning ahead of shipping, pure rules: which shipments a plan takes, what a van's departure does
to each shipment planned on it, and which van carries one that missed its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from central.domain.orders import ShipmentStatus as S
from central.logistics.carry import NextVan, Seat, carry
from central.logistics.errors import OutOfOrder
from central.logistics.lifecycle import DELIVERY_TRANSITIONS, PLANNABLE, Delivery, at_departure, check_delivery
from central.logistics.problem import Load, Parcel

EIGHT = datetime(2026, 3, 3, 5, 0, tzinfo=UTC)


def test_a_plan_takes_paid_shipments_still_on_the_floor_and_shipped_ones() -> None:
    # unpaid, cancelled, or waiting for the floor's answer to a cancel: on no new van; the rest are
    assert set(S) - PLANNABLE == {S.AWAITING_PAYMENT, S.CANCELLED, S.CANCEL_REQUESTED}


@pytest.mark.parametrize(("status", "fate"), [
    (S.SHIPPED, Delivery.ON_ROUTE),
    (S.CANCELLED, Delivery.CANCELLED),
    (S.ALLOCATED, Delivery.AWAITING_ROUTE), (S.PICKING, Delivery.AWAITING_ROUTE), (S.PACKED, Delivery.AWAITING_ROUTE),
    (S.CANCEL_REQUESTED, Delivery.AWAITING_ROUTE),
    (S.CANCEL_REFUSED, Delivery.AWAITING_ROUTE),  # it left, but central has not had the ship movement yet
])
def test_only_what_the_floor_shipped_goes_with_the_van(status: S, fate: Delivery) -> None:
    assert at_departure(status) is fate
    check_delivery("s1", Delivery.PLANNED, fate)  # every fate is a step the delivery table allows


def test_a_cancelled_delivery_is_final_and_only_before_the_van_leaves() -> None:
    assert {d for d, nxt in DELIVERY_TRANSITIONS.items() if Delivery.CANCELLED in nxt} == {
        Delivery.AWAITING_ROUTE, Delivery.PLANNED}
    assert not DELIVERY_TRANSITIONS[Delivery.CANCELLED]
    with pytest.raises(OutOfOrder, match="s1 is ON_ROUTE and cannot become CANCELLED"):
        check_delivery("s1", Delivery.ON_ROUTE, Delivery.CANCELLED)


def parcel(sid: str, pp: str = "pp-1", kg: float = 1) -> Parcel:
    return Parcel(sid, "wh", pp, Load(round(kg * 1000), 1000))


def van(route_id: str, hours: float, room_kg: float, **stops: int) -> NextVan:
    return NextVan(route_id, EIGHT + timedelta(hours=hours), Load(round(room_kg * 1000), 100_000),
                   {pp.replace("_", "-"): seq for pp, seq in stops.items()})


def test_a_parcel_rides_on_the_first_van_to_leave_that_stops_at_its_pickup_point() -> None:
    vans = [van("rt-late", 3, 10, pp_1=2), van("rt-early", 1, 10, pp_1=4), van("rt-elsewhere", 0, 10, pp_2=1)]
    assert carry([parcel("s1")], vans) == {"s1": Seat("rt-early", 4)}


def test_a_full_van_is_passed_over_and_the_room_of_each_van_is_used_once() -> None:
    vans = [van("rt-a", 1, 1.5, pp_1=1), van("rt-b", 2, 1, pp_1=3)]
    seats = carry([parcel("s1"), parcel("s2"), parcel("s3")], vans)
    assert seats == {"s1": Seat("rt-a", 1), "s2": Seat("rt-b", 3)}  # s3 finds no room left: it waits
    assert carry([parcel("big", kg=2)], vans) == {}


def test_vans_leaving_together_are_taken_by_route_id_so_the_answer_is_stable() -> None:
    together = [van("rt-b", 1, 10, pp_1=1), van("rt-a", 1, 10, pp_1=2)]
    assert carry([parcel("s1")], together) == carry([parcel("s1")], together[::-1]) == {"s1": Seat("rt-a", 2)}


def test_with_no_van_stopping_there_a_parcel_waits_for_the_next_plan() -> None:
    assert carry([parcel("s1", pp="pp-9")], [van("rt-a", 1, 10, pp_1=1)]) == {}
    assert carry([parcel("s1")], []) == {}
