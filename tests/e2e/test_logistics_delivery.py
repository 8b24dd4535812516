"""End to end with real processes: customers pay, central plans the vans before anything is picked
and sends each route down the warehouse's feed (the floor stores it and reports it applied), the
floor waves the shipments by their van, pickers pick, pack and ship, and every label printed
carries its van's route and stop; the ship movements sync up, a courier drives one route with
what shipped, the customer sees READY_FOR_PICKUP, the pickup point confirms collection and the
order is COMPLETED."""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time

import pytest
import requests

from simulators.courier import Dispatch
from simulators.demo import shift
from simulators.printer.in_process import BackgroundPrinter
from terminal_ui.client import TerminalClient

pytestmark = pytest.mark.e2e
LABEL = re.compile(r"\^FDROUTE (\S+)  STOP (\d+)\^FS.*\^FDSHIPMENT (\S+)\^FS", re.S)


@pytest.fixture
def printer():
    printer = BackgroundPrinter()
    printer.start()
    yield printer
    printer.stop()


def test_routes_planned_before_picking_wave_the_floor_label_the_parcels_and_leave_with_them(rig, printer) -> None:
    cfg = rig.open_warehouse(skus=30, units=20)
    printer.declare(rig.config, [loc.code for loc in cfg.locations if loc.type == "pack_station"])
    rig.start_node()
    rig.wait_converged()
    orders = rig.buy(6)
    rig.wait_converged()  # the fulfilment orders are on the floor; nothing is picked yet

    dispatch = Dispatch(rig.base, rig.shop.admin_token)
    plan = dispatch.plan(cfg.id)
    stop_of = {s: (r["route_id"], stop["seq"])
               for r in plan["routes"] for stop in r["stops"] for s in stop["shipments"]}
    paid = {rig.shop.order(o, c)["shipments"][0]["shipment_id"] for o, c in orders}
    assert set(stop_of) == paid and plan["unrouted"] == []  # planned ahead: every paid shipment has its van
    routes_reach_the_floor(rig, {r["route_id"]: r for r in plan["routes"]})
    supervisor = next(op.badge for op in cfg.operators if "supervisor" in op.roles)
    asyncio.run(wave_and_release(rig.endpoint, supervisor))
    with sqlite3.connect(rig.cfg.ledger_path) as edge:
        waved = dict(edge.execute("SELECT ws.shipment_id, w.route_id FROM wave_shipments ws "
                                  "JOIN waves w ON w.id = ws.wave_id").fetchall())
    assert waved == {s: route for s, (route, _) in stop_of.items()}  # the floor's waves are the vans

    badges = [op.badge for op in cfg.operators if "picker" in op.roles and op.badge != supervisor][:2]
    stats = asyncio.run(shift(rig.endpoint, badges, 0.0, cfg.tote_codes(), len(orders), 60))
    # The scripted pickers can lose a request on a loaded machine and leave a shipment unshipped;
    # a van takes only what did ship.
    assert stats.shipped > 0, f"the floor shipped nothing: {stats}"
    labels = [LABEL.search(label.zpl) for label in printer.sim.labels]
    assert len(labels) >= stats.shipped and all(labels), [label.zpl for label in printer.sim.labels]
    assert {m.group(3): (m.group(1), int(m.group(2))) for m in labels} == {
        m.group(3): stop_of[m.group(3)] for m in labels}  # each label names its parcel's van and stop
    deadline = time.monotonic() + 60
    while len(shipped := [(o, c) for o, c in orders if rig.shop.order(o, c)["status"] == "FULFILLED"]) < stats.shipped:
        assert time.monotonic() < deadline, "the ship movements did not reach central"
        time.sleep(0.2)

    route = plan["routes"][0]
    handed = dispatch.drive(cfg.id, route)
    ready = [(o, c) for o, c in orders if rig.shop.order(o, c)["status"] == "READY_FOR_PICKUP"]
    assert len(ready) == handed > 0 and set(ready) <= set(shipped)

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


async def wave_and_release(endpoint: str, badge: str) -> None:
    """The supervisor plans the waves and releases each to picking."""
    client = await TerminalClient(endpoint, timeout=5, retries=3).connect()
    try:
        await client.login(badge)
        planned = await client.call("plan_waves", {"cutoffs": ["23:59"]})
        for wave_id in planned["planned"]:
            await client.call("release_wave", {"wave_id": int(wave_id)})
    finally:
        await client.close()


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
