"""Routes planned ahead of shipping: a plan takes paid orders still on the floor, so each route
reaches the floor before picking; a shipment cancelled after planning drops out of its van (the
floor gets the route again, or its withdrawal); one the floor has not shipped when its van leaves
is carried to the next van with room that stops at its pickup point, or waits for the next plan;
a re-plan that leaves a warehouse without routes withdraws the old ones from its floor."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support_logistics import COURIER, FLEET, OTHER_COURIER, Shipper, bearer, plan, set_fleet
from support_sync import answer_cancel

from sync.feed import DeliveryRoute, FeedEntry, RouteWithdrawal

SMALL_VANS = FLEET | {"vehicle_types": [FLEET["vehicle_types"][0] | {"capacity_kg": 2}]}
TOKENS = {"van-1": COURIER, "van-2": OTHER_COURIER}


def route_commands(client: TestClient, admin: dict[str, str]) -> list[DeliveryRoute | RouteWithdrawal]:
    page = client.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000}, headers=admin).json()
    commands = [FeedEntry.model_validate(e).command for e in page["entries"]]
    return [c for c in commands if isinstance(c, DeliveryRoute | RouteWithdrawal)]


def carried(route: dict) -> dict[str, int]:
    return {sid: stop["seq"] for stop in route["stops"] for sid in stop["shipments"]}


def sid(order: dict) -> str:
    return order["shipments"][0]["shipment_id"]


def depart(client: TestClient, route: dict, at: str):  # type: ignore[no-untyped-def]
    return client.post(f"/courier/v1/routes/{route['route_id']}/events", headers=bearer(TOKENS[route["vehicle_id"]]),
                       json={"event_id": f"dep-{route['route_id']}", "type": "departed", "at": at})


def test_paid_orders_are_planned_before_picking_and_a_cancel_takes_one_off_its_van(
        client: TestClient, shipper: Shipper, admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    keep, cancel = shipper.paid_order("k1", "pp-msk", A=1), shipper.paid_order("k2", "pp-msk-2", A=2)
    (route,) = plan(client, admin_headers)["routes"]
    assert carried(route).keys() == {sid(keep), sid(cancel)} and route["load_kg"] == 1.5
    (sent,) = route_commands(client, admin_headers)
    assert {s for stop in sent.stops for s in stop.shipment_ids} == {sid(keep), sid(cancel)}

    assert client.post(f"/orders/{cancel['order_id']}/cancel", headers=admin_headers).status_code == 200
    assert len(route_commands(client, admin_headers)) == 1  # a cancel asked for changes nothing yet
    assert answer_cancel(client, admin_headers, cancel).status_code == 200  # the floor stopped it

    after = client.get(f"/admin/routes/{route['route_id']}", headers=admin_headers).json()
    assert carried(after) == {sid(keep): carried(route)[sid(keep)]} and after["load_kg"] == 0.5
    assert [s["pickup_point_id"] for s in after["stops"]] == ["pp-msk"]
    first, again = route_commands(client, admin_headers)
    assert isinstance(again, DeliveryRoute) and again.route_id == route["route_id"] and again.version > first.version
    assert [(s.pickup_point_id, s.shipment_ids) for s in again.stops] == [("pp-msk", [sid(keep)])]
    delivery = client.get(f"/orders/{cancel['order_id']}", headers=admin_headers).json()["shipments"][0]["delivery"]
    assert (delivery["state"], delivery["route_id"]) == ("CANCELLED", None)

    shipper.ship(keep)
    assert plan(client, admin_headers)["unrouted"] == []  # a cancelled shipment is never planned again


def test_a_van_whose_every_shipment_is_cancelled_is_withdrawn_from_the_floor(
        client: TestClient, shipper: Shipper, admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    order = shipper.paid_order("k1", "pp-msk", A=1)
    (route,) = plan(client, admin_headers)["routes"]
    assert client.post(f"/orders/{order['order_id']}/cancel", headers=admin_headers).status_code == 200
    assert answer_cancel(client, admin_headers, order).status_code == 200
    assert client.get(f"/admin/routes/{route['route_id']}", headers=admin_headers).status_code == 404
    _, withdrawal = route_commands(client, admin_headers)
    assert isinstance(withdrawal, RouteWithdrawal) and withdrawal.route_ids == [route["route_id"]]
    assert "no shipment left" in withdrawal.reason


def test_a_replan_that_makes_no_route_withdraws_the_old_ones(client: TestClient, shipper: Shipper,
                                                             admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    order = shipper.paid_order("k1", "pp-msk", A=1)
    (route,) = plan(client, admin_headers)["routes"]
    closed = client.put("/admin/pickup-points/pp-msk/hours", json={"hours": {"mon": ["09:00", "18:00"]}},
                        headers=admin_headers)  # shut on the plan day (a Tuesday): nothing left to route
    assert closed.status_code == 200, closed.text
    again = plan(client, admin_headers)
    assert again["routes"] == [] and [u["shipment_id"] for u in again["unrouted"]] == [sid(order)]
    sent, withdrawal = route_commands(client, admin_headers)
    assert isinstance(withdrawal, RouteWithdrawal) and withdrawal.route_ids == [route["route_id"]]
    assert withdrawal.version > sent.version and "re-planned" in withdrawal.reason


def test_a_van_with_nothing_shipped_cannot_leave(client: TestClient, shipper: Shipper,
                                                admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    shipper.paid_order("k1", "pp-msk", A=1)
    (route,) = plan(client, admin_headers)["routes"]
    refused = depart(client, route, "2026-03-03T08:00:00+03:00")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "out_of_order"
    assert "shipped none of its 1 shipments" in refused.json()["error"]["message"]
    assert client.get(f"/admin/routes/{route['route_id']}", headers=admin_headers).json()["status"] == "planned"


def test_what_misses_its_van_rides_on_the_next_one_that_stops_there_with_room(
        client: TestClient, shipper: Shipper, admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers, SMALL_VANS)  # 2 kg vans: five 0.5 kg parcels for pp-msk need both
    orders = [shipper.paid_order(f"k{n}", "pp-msk", A=1) for n in range(5)]
    first, second = sorted(plan(client, admin_headers)["routes"], key=lambda r: -r["load_kg"])
    assert first["load_kg"] + second["load_kg"] == 2.5 and second["load_kg"] <= 1.5  # room for one more
    missed = sorted(carried(first))[0]
    for order in orders:
        if sid(order) != missed:
            shipper.ship(order)

    assert depart(client, first, "2026-03-03T07:00:00+03:00").status_code == 200  # before the other leaves
    now_first = client.get(f"/admin/routes/{first['route_id']}", headers=admin_headers).json()
    now_second = client.get(f"/admin/routes/{second['route_id']}", headers=admin_headers).json()
    assert missed not in carried(now_first) and now_first["load_kg"] == first["load_kg"] - 0.5
    assert carried(now_second)[missed] == second["stops"][0]["seq"] and now_second["load_kg"] == second["load_kg"] + 0.5
    sent = route_commands(client, admin_headers)[-2:]
    assert {c.route_id: {s for stop in c.stops for s in stop.shipment_ids} for c in sent} == {
        first["route_id"]: set(carried(now_first)), second["route_id"]: set(carried(now_second))}
    order = next(o for o in orders if sid(o) == missed)
    delivery = client.get(f"/orders/{order['order_id']}", headers=admin_headers).json()["shipments"][0]["delivery"]
    assert (delivery["state"], delivery["route_id"]) == ("PLANNED", second["route_id"])

    shipper.ship(order)
    left = depart(client, second, "2026-03-03T08:00:00+03:00")
    assert left.status_code == 200 and left.json()["shipments"][missed] == "ON_ROUTE"
