"""End to end with real processes: an edge node's pickers ship, the ship movements sync up, central
plans the vans and sends each route down the warehouse's feed (the floor stores it and reports it
applied), a courier drives one route and hands over, the customer sees READY_FOR_PICKUP, the
pickup point confirms collection and the order is COMPLETED."""

from __future__ import annotations

import asyncio
import sqlite3
import time

import pytest
import requests

from simulators.courier import Dispatch
from simulators.demo import shift

pytestmark = pytest.mark.e2e


def test_from_the_floors_ship_movement_to_the_customers_collection(rig) -> None:
    cfg = rig.open_warehouse(skus=30, units=20)
    rig.start_node()
    rig.wait_converged()
    orders = rig.buy(6)
    rig.wait_converged()
    badges = [op.badge for op in cfg.operators if "picker" in op.roles][:2]
    stats = asyncio.run(shift(rig.endpoint, badges, 0.0, cfg.tote_codes(), len(orders), 60))
    # The scripted pickers can lose a request on a loaded machine and leave a shipment unshipped;
    # delivery needs only what did ship, and must plan exactly that.
    assert stats.shipped > 0, f"the floor shipped nothing: {stats}"
    deadline = time.monotonic() + 60
    while len(shipped := [(o, c) for o, c in orders if rig.shop.order(o, c)["status"] == "FULFILLED"]) < stats.shipped:
        assert time.monotonic() < deadline, "the ship movements did not reach central"
        time.sleep(0.2)

    dispatch = Dispatch(rig.base, rig.shop.admin_token)
    plan = dispatch.plan(cfg.id)
    carried = {s for r in plan["routes"] for stop in r["stops"] for s in stop["shipments"]}
    assert len(carried) == len(shipped) and plan["unrouted"] == []
    routes_reach_the_floor(rig, {r["route_id"]: r for r in plan["routes"]})
    route = plan["routes"][0]
    handed = dispatch.drive(cfg.id, route)
    ready = [(o, c) for o, c in orders if rig.shop.order(o, c)["status"] == "READY_FOR_PICKUP"]
    assert len(ready) == handed > 0

    order_id, customer = ready[0]
    shipment = rig.shop.order(order_id, customer)["shipments"][0]
    assert shipment["delivery"]["state"] == "AT_PICKUP_POINT"
    token = "pvz-001-token-0123456789abcdefghijkl"
    dispatch.call("PUT", f"/admin/pickup-points/{shipment['delivery']['pickup_point_id']}/token", json={"token": token})
    resp = requests.post(f"{rig.base}/pickup-point/v1/events", headers={"Authorization": f"Bearer {token}"},
                         json={"event_id": "collect-1", "type": "collected", "shipment_id": shipment["shipment_id"]},
                         timeout=10)
    assert resp.status_code == 200, resp.text
    assert rig.shop.order(order_id, customer)["status"] == "COMPLETED"


def routes_reach_the_floor(rig, planned: dict[str, dict]) -> None:
    """The floor has every planned route with its stops' shipments, and central heard it applied."""
    deadline = time.monotonic() + 30
    while True:
        with sqlite3.connect(rig.cfg.ledger_path) as edge:
            on_floor = dict(edge.execute("SELECT shipment_id, route_id FROM route_shipments").fetchall())
        with sqlite3.connect(rig.tmp / "central.db") as central:
            reported = central.execute("SELECT COUNT(*) FROM feed_outcomes WHERE command_type = 'delivery_route' "
                                       "AND status = 'applied'").fetchone()[0]
        if on_floor and reported == len(planned):
            break
        assert time.monotonic() < deadline, f"routes on the floor {on_floor}, reported {reported} of {len(planned)}"
        time.sleep(0.2)
    assert on_floor == {s: rid for rid, r in planned.items() for stop in r["stops"] for s in stop["shipments"]}
