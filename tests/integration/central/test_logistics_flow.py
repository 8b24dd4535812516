"""From the floor's ship movement to the customer's collection: plan, drive, hand over, collect."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from support_logistics import COURIER, OTHER_COURIER, PP_TOKEN, Shipper, bearer, plan, set_fleet


def event(client: TestClient, route_id: str, token: str = COURIER, **body: object):  # type: ignore[no-untyped-def]
    return client.post(f"/courier/v1/routes/{route_id}/events", json=body, headers=bearer(token))


def test_paid_orders_are_planned_ahead_driven_once_shipped_and_collected(client: TestClient, shipper: Shipper,
                                                                          admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    orders = [shipper.paid_order(f"k{n}", pp, A=1) for n, pp in enumerate(["pp-msk", "pp-msk-2", "pp-msk-3"])]
    unshipped = shipper.paid_order("k9", "pp-msk-4", A=1)
    late_sid = unshipped["shipments"][0]["shipment_id"]
    for order in orders:
        shipper.ship(order)

    result = plan(client, admin_headers)
    assert result["service_date"] == "2026-03-03"  # 12:00 in Moscow: today's shifts have begun
    assert result["unrouted"] == []
    planned = {s for r in result["routes"] for stop in r["stops"] for s in stop["shipments"]}
    # planned ahead: the one still on the floor too, so its van is known before it is picked
    assert planned == {o["shipments"][0]["shipment_id"] for o in [*orders, unshipped]}
    (route,) = result["routes"]
    assert route["vehicle_id"] == "van-1" and route["load_kg"] == 2.0 and route["status"] == "planned"
    view = client.get(f"/orders/{unshipped['order_id']}", headers=admin_headers).json()
    assert (view["status"], view["shipments"][0]["delivery"]["state"]) == ("PAID", "PLANNED")

    picture = client.get("/admin/warehouses/wh-msk/routes/plan.svg?date=2026-03-03", headers=admin_headers)
    assert picture.headers["content-type"].startswith("image/svg+xml") and "van-1" in picture.text

    rid = route["route_id"]
    departed = event(client, rid, event_id="e1", type="departed", at="2026-03-03T08:00:00+03:00")
    assert departed.status_code == 200, departed.text
    assert departed.json()["route_status"] == "departed"
    assert set(departed.json()["shipments"]) == planned - {late_sid}  # only what the floor shipped goes
    behind = client.get(f"/orders/{unshipped['order_id']}", headers=admin_headers).json()["shipments"][0]["delivery"]
    assert behind["state"] == "AWAITING_ROUTE" and behind["route_id"] is None
    assert "not shipped when van-1 left at 2026-03-03 05:00 UTC" in behind["reason"]
    left = client.get(f"/admin/routes/{rid}", headers=admin_headers).json()
    assert late_sid not in {s for stop in left["stops"] for s in stop["shipments"]} and left["load_kg"] == 1.5
    assert "pp-msk-4" not in [s["pickup_point_id"] for s in left["stops"]]  # nothing to hand over there now
    first = left["stops"][0]
    customer_order = next(o for o in orders if o["shipments"][0]["shipment_id"] == first["shipments"][0])
    view = client.get(f"/orders/{customer_order['order_id']}", headers=admin_headers).json()
    assert view["shipments"][0]["delivery"]["state"] == "ON_ROUTE" and view["shipments"][0]["delivery"]["eta"]

    arrived = event(client, rid, event_id="e2", type="arrived", stop=first["seq"], at="2026-03-03T08:40:00+03:00")
    assert arrived.status_code == 200, arrived.text
    done = event(client, rid, event_id="e3", type="handed_over", stop=first["seq"], shipment_ids=first["shipments"])
    assert done.json()["stop_status"] == "done", done.text
    view = client.get(f"/orders/{customer_order['order_id']}", headers=admin_headers).json()
    assert view["status"] == "READY_FOR_PICKUP"
    assert view["shipments"][0]["delivery"]["state"] == "AT_PICKUP_POINT"

    assert client.put(f"/admin/pickup-points/{first['pickup_point_id']}/token", json={"token": PP_TOKEN},
                      headers=admin_headers).status_code == 204
    collected = client.post("/pickup-point/v1/events", headers=bearer(PP_TOKEN), json={
        "event_id": "p1", "type": "collected", "shipment_id": first["shipments"][0]})
    assert collected.status_code == 200, collected.text
    assert client.get(f"/orders/{customer_order['order_id']}", headers=admin_headers).json()["status"] == "COMPLETED"


def test_courier_mistakes_are_refused_by_name_and_change_nothing(client: TestClient, shipper: Shipper,
                                                                 admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    orders = [shipper.paid_order(f"k{n}", pp, A=1) for n, pp in enumerate(["pp-msk", "pp-msk-2"])]
    for order in orders:
        shipper.ship(order)
    route = plan(client, admin_headers)["routes"][0]
    rid, stop = route["route_id"], route["stops"][0]

    early = event(client, rid, event_id="x1", type="arrived", stop=1)
    assert early.status_code == 409 and "departed" in early.json()["error"]["message"]
    assert event(client, rid, OTHER_COURIER, event_id="x2", type="departed").status_code == 403
    assert event(client, "rt-nope", event_id="x3", type="departed").status_code == 404
    assert event(client, rid, "not-a-courier-token-0123456789", event_id="x4", type="departed").status_code == 401

    first = event(client, rid, event_id="d1", type="departed")
    assert first.status_code == 200 and not first.json()["duplicate"]
    again = event(client, rid, event_id="d1", type="departed")
    assert again.json() == first.json() | {"duplicate": True}
    assert event(client, rid, event_id="d1", type="arrived", stop=1).status_code == 409  # id reused
    assert event(client, rid, event_id="d2", type="departed").json()["error"]["code"] == "out_of_order"

    before = client.get(f"/admin/routes/{rid}", headers=admin_headers).json()
    assert event(client, rid, event_id="h0", type="handed_over", stop=1,
                 shipment_ids=stop["shipments"]).status_code == 409  # not arrived yet
    assert event(client, rid, event_id="a1", type="arrived", stop=1).status_code == 200
    assert event(client, rid, event_id="a9", type="arrived", stop=99).json()["error"]["code"] == "not_on_route"
    unknown = event(client, rid, event_id="h1", type="handed_over", stop=1, shipment_ids=["shp-nope"])
    assert unknown.status_code == 404 and "shp-nope" in unknown.json()["error"]["message"]
    other = next(s for s in route["stops"][1:] for s in s["shipments"]) if len(route["stops"]) > 1 else None
    if other:
        wrong = event(client, rid, event_id="h2", type="handed_over", stop=1, shipment_ids=[other])
        assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "not_on_route"
    after = client.get(f"/admin/routes/{rid}", headers=admin_headers).json()
    assert [s["status"] for s in after["stops"]] == ["arrived"] + [s["status"] for s in before["stops"][1:]]

    assert event(client, rid, event_id="p1", type="position", lat=55.71, lon=37.61).status_code == 200
    assert event(client, rid, event_id="p2", type="position", lat=55.72).status_code == 422  # no lon
    seen = client.get(f"/admin/routes/{rid}", headers=admin_headers).json()["last_position"]
    assert (seen["lat"], seen["lon"]) == (55.71, 37.61)
    failed = event(client, rid, event_id="f1", type="stop_failed", stop=1, reason="pickup point closed for stock-take")
    assert failed.json()["shipments"] == dict.fromkeys(stop["shipments"], "RETURNING")


def test_replanning_keeps_departed_routes_and_reports_unroutable(client: TestClient, shipper: Shipper,
                                                                 admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    first = shipper.paid_order("k1", "pp-msk", A=1)
    shipper.ship(first)
    route = plan(client, admin_headers)["routes"][0]
    assert event(client, route["route_id"], event_id="d1", type="departed").status_code == 200

    second = shipper.paid_order("k2", "pp-msk-2", A=1)
    shipper.ship(second)
    assert client.put("/admin/pickup-points/pp-msk-3/hours", json={"hours": {"mon": ["09:00", "18:00"]}},
                      headers=admin_headers).status_code == 200
    closed = shipper.paid_order("k3", "pp-msk-3", A=1)
    shipper.ship(closed)
    again = plan(client, admin_headers, service_date="2026-03-03")
    assert again["kept_routes"] == 1
    by_id = {r["route_id"]: r for r in again["routes"]}
    assert by_id[route["route_id"]]["status"] == "departed"
    new = [r for r in again["routes"] if r["status"] == "planned"]
    assert [r["vehicle_id"] for r in new] == ["van-2"]  # van-1 is still out
    assert again["unrouted"] == [{"shipment_id": closed["shipments"][0]["shipment_id"], "pickup_point_id": "pp-msk-3",
                                  "reason": "pickup point pp-msk-3 is closed that day"}]
    listed = client.get("/admin/warehouses/wh-msk/routes?date=2026-03-03", headers=admin_headers).json()
    assert listed["unrouted"] == again["unrouted"] and len(listed["routes"]) == 2


def test_pickup_point_mistakes_are_refused_and_uncollected_parcels_go_back(client: TestClient, shipper: Shipper,
                                                                           admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    here, elsewhere = shipper.paid_order("k1", "pp-msk", A=1), shipper.paid_order("k2", "pp-msk-2", A=1)
    for order in (here, elsewhere):
        shipper.ship(order)
    route = plan(client, admin_headers)["routes"][0]
    assert client.put("/admin/pickup-points/pp-msk/token", json={"token": PP_TOKEN},
                      headers=admin_headers).status_code == 204
    ours, theirs = here["shipments"][0]["shipment_id"], elsewhere["shipments"][0]["shipment_id"]

    def report(**body: object):  # type: ignore[no-untyped-def]
        return client.post("/pickup-point/v1/events", json=body, headers=bearer(PP_TOKEN))

    assert report(event_id="c0", type="collected", shipment_id="shp-nope").status_code == 404
    assert report(event_id="c1", type="collected", shipment_id=theirs).json()["error"]["code"] == "not_on_route"
    early = report(event_id="c2", type="collected", shipment_id=ours)  # still PLANNED: not here yet
    assert early.status_code == 409 and "PLANNED and cannot become HANDED_OVER" in early.text
    assert event(client, route["route_id"], event_id="d", type="departed").status_code == 200
    seq = next(s["seq"] for s in route["stops"] if ours in s["shipments"])
    assert event(client, route["route_id"], event_id="a", type="arrived", stop=seq).status_code == 200
    assert event(client, route["route_id"], event_id="h", type="handed_over", stop=seq,
                 shipment_ids=[ours]).status_code == 200
    assert report(event_id="n1", type="not_collected", shipment_id=ours).status_code == 422  # no reason
    back = report(event_id="n2", type="not_collected", shipment_id=ours, reason="not collected within 7 days")
    assert back.json()["shipments"] == {ours: "RETURNING"} and not back.json()["duplicate"]
    assert report(event_id="n2", type="not_collected", shipment_id=ours,
                  reason="not collected within 7 days").json()["duplicate"]
    view = client.get(f"/orders/{here['order_id']}", headers=admin_headers).json()
    assert view["status"] == "FULFILLED"
    assert view["shipments"][0]["delivery"]["state"] == "RETURNING"
    assert view["shipments"][0]["delivery"]["reason"] == "not collected within 7 days"


def test_etas_follow_the_van_and_the_route_completes_with_its_last_stop(client: TestClient, shipper: Shipper,
                                                                        admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    for n, pp in enumerate(["pp-msk", "pp-msk-2", "pp-msk-3"]):
        shipper.ship(shipper.paid_order(f"k{n}", pp, A=1))
    route = plan(client, admin_headers)["routes"][0]
    assert len(route["stops"]) == 3
    rid, planned = route["route_id"], [datetime.fromisoformat(s["eta"]) for s in route["stops"]]
    late = datetime.fromisoformat(route["departs_at"]) + timedelta(hours=2)
    assert event(client, rid, event_id="d", type="departed", at=late.isoformat()).status_code == 200
    etas = [datetime.fromisoformat(s["eta"]) for s in client.get(f"/admin/routes/{rid}", headers=admin_headers
                                                                 ).json()["stops"]]
    assert etas[0] == planned[0] + timedelta(hours=2)  # pickup points are open round the clock: no waiting
    for seq, stop in enumerate(route["stops"], start=1):
        arrived = late + timedelta(hours=seq)
        assert event(client, rid, event_id=f"a{seq}", type="arrived", stop=seq, at=arrived.isoformat()
                     ).status_code == 200
        view = client.get(f"/admin/routes/{rid}", headers=admin_headers).json()
        if seq < 3:  # the next stop is a leg and a stop's service after this arrival
            leg = view["stops"][seq]
            expected = arrived + timedelta(minutes=5) + (planned[seq] - planned[seq - 1] - timedelta(minutes=5))
            assert datetime.fromisoformat(leg["eta"]) == expected
        done = event(client, rid, event_id=f"h{seq}", type="handed_over", stop=seq, shipment_ids=stop["shipments"])
        assert done.json()["route_status"] == ("completed" if seq == 3 else "departed")
    assert event(client, rid, event_id="late", type="arrived", stop=1).json()["error"]["code"] == "out_of_order"
