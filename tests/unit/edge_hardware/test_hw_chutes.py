"""Routing a scanned tote to a chute from what the ledger knows about it."""

from __future__ import annotations

import pytest

from edge.hardware.chutes import ChuteMap, ToteRoute, route

CHUTES = ChuteMap(reject=40, default=1, by_destination={"PVZ-12": 3, "S-VIP": 9})


@pytest.mark.parametrize(("info", "chute"), [
    (ToteRoute(True, "S1", "picking", "PVZ-12"), 3),
    (ToteRoute(True, "S-VIP", "picking", "PVZ-12"), 9),  # a shipment mapped by id wins
    (ToteRoute(True, "S2", "allocated", "PVZ-99"), 1),  # unmapped: the default chute
    (ToteRoute(True, "S3", "packed", None), 1),
])
def test_routed_totes(info, chute):
    divert = route("T00001", info, CHUTES)
    assert (divert.chute, divert.rejected) == (chute, False)


@pytest.mark.parametrize(("info", "reason"), [
    (ToteRoute(False), "'T00001' is not a tote of this warehouse"),
    (ToteRoute(True), "tote T00001 holds no shipment"),
    (ToteRoute(True, "S1", "cancelled", "PVZ-12"), "shipment S1 is cancelled"),
    (ToteRoute(True, "S1", "shipped", "PVZ-12"), "shipment S1 is shipped"),
])
def test_rejected_totes(info, reason):
    divert = route("T00001", info, CHUTES)
    assert (divert.chute, divert.reason) == (40, reason)


def test_unmapped_destination_without_default_is_rejected_with_the_fix():
    divert = route("T00001", ToteRoute(True, "S2", "picking", "PVZ-99"), ChuteMap(reject=0))
    assert divert.chute == 0
    assert divert.reason == "no chute for pickup point PVZ-99 of shipment S2: add it to the conveyor's chutes"
