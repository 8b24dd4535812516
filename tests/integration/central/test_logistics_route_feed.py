"""Planned routes reach their warehouse's floor: each route central plans goes into the
warehouse's feed as a `delivery_route` (route, departure, stops with pickup point and shipments),
in the plan's transaction; a re-plan sends the replacement naming the route it withdraws, with a
higher version; a departed route is never sent again."""

from __future__ import annotations

from fastapi.testclient import TestClient
from support_logistics import COURIER, Shipper, bearer, plan, set_fleet

from sync.feed import DeliveryRoute, FeedEntry

COURIER_EVENTS = "/courier/v1/routes/{}/events"


def routes_in_feed(client: TestClient, admin: dict[str, str]) -> list[DeliveryRoute]:
    page = client.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000}, headers=admin).json()
    commands = [FeedEntry.model_validate(e).command for e in page["entries"]]
    return [c for c in commands if isinstance(c, DeliveryRoute)]


def test_a_planned_route_goes_to_its_warehouse_s_feed_and_a_replan_replaces_it(
        client: TestClient, shipper: Shipper, admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    orders = [shipper.paid_order(f"k{n}", pp, A=1) for n, pp in enumerate(["pp-msk", "pp-msk-2"])]
    for order in orders:
        shipper.ship(order)
    (route,) = plan(client, admin_headers)["routes"]
    (sent,) = routes_in_feed(client, admin_headers)
    assert (sent.route_id, sent.warehouse_id, sent.vehicle_id) == (route["route_id"], "wh-msk", route["vehicle_id"])
    assert sent.departs_at.isoformat() == route["departs_at"].replace("Z", "+00:00")
    assert [(s.stop, s.pickup_point_id, s.shipment_ids) for s in sent.stops] == [
        (stop["seq"], stop["pickup_point_id"], stop["shipments"]) for stop in route["stops"]]
    assert sent.replaces == []

    (again,) = plan(client, admin_headers)["routes"]
    first, second = routes_in_feed(client, admin_headers)
    assert second.route_id == again["route_id"] != first.route_id
    assert second.replaces == [first.route_id] and second.version > first.version

    departed = client.post(COURIER_EVENTS.format(again["route_id"]), headers=bearer(COURIER),
                           json={"event_id": "d1", "type": "departed"})
    assert departed.status_code == 200, departed.text
    plan(client, admin_headers)  # nothing left to plan: the departed van is kept, nothing is sent
    assert len(routes_in_feed(client, admin_headers)) == 2
