"""The edge reads central's feed as a tolerant reader (sync.feed.read_page)."""

from __future__ import annotations

import pytest

from sync.feed import (
    CancelShipment,
    DeliveryRoute,
    MalformedPage,
    RouteWithdrawal,
    UnreadableCommand,
    read_command,
    read_page,
)
from sync.outcomes import OutcomeCode

CANCEL = {"type": "cancel_shipment", "shipment_id": "S1", "order_id": "O1", "reason": "customer"}


def test_fields_of_a_newer_version_are_ignored_at_every_level():
    command = read_command({**CANCEL, "refund_policy": "full"})
    assert command == CancelShipment(shipment_id="S1", order_id="O1", reason="customer")


@pytest.mark.parametrize(("raw", "kind", "code", "words"), [
    ({"type": "reserve_dock_slot"}, "reserve_dock_slot", OutcomeCode.UNKNOWN_COMMAND, "upgrade this node"),
    ({**CANCEL, "shipment_id": "a b"}, "cancel_shipment", OutcomeCode.INVALID_ENTRY, "shipment_id"),
    ({**CANCEL, "reason": None}, "cancel_shipment", OutcomeCode.INVALID_ENTRY, "reason"),
    ({"shipment_id": "S1"}, "?", OutcomeCode.INVALID_ENTRY, "no type"),
    ("cancel everything", "?", OutcomeCode.INVALID_ENTRY, "no type"),
    ({"type": 7}, "?", OutcomeCode.INVALID_ENTRY, "no type"),
])
def test_what_this_node_cannot_act_on_is_kept_with_a_reason(raw, kind, code, words):
    command = read_command(raw)
    assert isinstance(command, UnreadableCommand)
    assert (command.type, command.code) == (kind, code) and words in command.reason


def test_one_bad_entry_never_hides_the_rest_of_the_page():
    page = [{"feed_seq": 11, "command": {"type": "launch"}}, "garbage", {"command": CANCEL},
            {"feed_seq": 14, "command": CANCEL, "trace": 1}]
    entries = read_page(page, after=10)
    assert [e.feed_seq for e in entries] == [11, 12, 13, 14]
    assert [type(e.command).__name__ for e in entries] == ["UnreadableCommand"] * 3 + ["CancelShipment"]
    assert "has no feed_seq" in entries[2].command.reason


@pytest.mark.parametrize("page", [{"entries": []}, [{"feed_seq": 12, "command": CANCEL}]])
def test_a_page_that_cannot_be_trusted_is_refused_whole(page):
    with pytest.raises(MalformedPage):
        read_page(page, after=10)


ROUTE = {"type": "delivery_route", "route_id": "rt-1", "warehouse_id": "MSK-1", "version": 3,
         "service_date": "2026-03-02", "departs_at": "2026-03-02T07:30:00+00:00", "vehicle_id": "van-1",
         "stops": [{"stop": 1, "pickup_point_id": "PVZ-1", "shipment_ids": ["S1", "S2"]},
                   {"stop": 2, "pickup_point_id": "PVZ-2", "shipment_ids": ["S3"]}]}


def test_a_delivery_route_reads_with_its_stops_and_nothing_to_replace():
    route = read_command({**ROUTE, "eta_model": "v2"})
    assert isinstance(route, DeliveryRoute)
    assert [(s.stop, s.pickup_point_id, s.shipment_ids) for s in route.stops] == [
        (1, "PVZ-1", ["S1", "S2"]), (2, "PVZ-2", ["S3"])]
    assert route.replaces == [] and route.departs_at.utcoffset() is not None


@pytest.mark.parametrize(("change", "words"), [
    ({"stops": [ROUTE["stops"][0], {**ROUTE["stops"][1], "stop": 1}]}, "stop numbers repeat"),
    ({"stops": [ROUTE["stops"][0], {**ROUTE["stops"][1], "shipment_ids": ["S2"]}]}, "on the route twice: S2"),
    ({"replaces": ["rt-1"]}, "cannot replace itself"),
    ({"departs_at": "2026-03-02T07:30:00"}, "departs_at"),
    ({"stops": []}, "stops"),
    ({"version": 0}, "version"),
    ({"stops": [{**ROUTE["stops"][0], "stop": 0}]}, "stop"),
])
def test_a_delivery_route_that_breaks_the_contract_is_an_invalid_entry(change, words):
    command = read_command({**ROUTE, **change})
    assert isinstance(command, UnreadableCommand) and command.code is OutcomeCode.INVALID_ENTRY
    assert command.type == "delivery_route" and words in command.reason


WITHDRAWAL = {"type": "route_withdrawal", "warehouse_id": "MSK-1", "version": 9, "route_ids": ["rt-1", "rt-2"],
              "reason": "re-planned: no van of the 2026-03-03 plan leaves from here any more"}


def test_a_route_withdrawal_reads_with_the_routes_it_names():
    withdrawal = read_command({**WITHDRAWAL, "planner": "v2"})
    assert isinstance(withdrawal, RouteWithdrawal)
    assert (withdrawal.version, withdrawal.route_ids) == (9, ["rt-1", "rt-2"])


@pytest.mark.parametrize(("change", "words"), [
    ({"route_ids": []}, "route_ids"), ({"version": 0}, "version"), ({"reason": ""}, "reason"),
    ({"route_ids": ["rt 1"]}, "route_ids"),
])
def test_a_route_withdrawal_that_breaks_the_contract_is_an_invalid_entry(change, words):
    command = read_command({**WITHDRAWAL, **change})
    assert isinstance(command, UnreadableCommand) and command.code is OutcomeCode.INVALID_ENTRY
    assert command.type == "route_withdrawal" and words in command.reason
