"""End to end with real processes: an edge node's pickers ship, the ship movements sync up, central
plans the vans, a courier drives one route and hands over, the customer sees READY_FOR_PICKUP,
the pickup point confirms collection and the order is COMPLETED."""

from __future__ import annotations

import asyncio
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
    stats = asyncio.run(shift(rig.endpoint, badges, 0.0, cfg.tote_codes(), len(orders), 120))
    assert stats.shipped == len(orders)
    deadline = time.monotonic() + 60
    while sum(rig.shop.order(o, c)["status"] == "FULFILLED" for o, c in orders) < len(orders):
        assert time.monotonic() < deadline, "the ship movements did not reach central"
        time.sleep(0.2)

    dispatch = Dispatch(rig.base, rig.shop.admin_token)
    plan = dispatch.plan(cfg.id)
    carried = {s for r in plan["routes"] for stop in r["stops"] for s in stop["shipments"]}
    assert len(carried) == len(orders) and plan["unrouted"] == []
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
