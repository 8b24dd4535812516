"""Fleet, opening hours, tokens and planning options: stored as sent, refused by name when wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from support_logistics import FLEET, Shipper, set_fleet

from central.bootstrap import Central


def test_fleet_round_trip_and_defaults(client: TestClient, network: Central, admin_headers: dict[str, str]) -> None:
    empty = client.get("/admin/warehouses/wh-spb/fleet", headers=admin_headers).json()
    assert empty == {"warehouse_id": "wh-spb", "timezone": "Europe/Moscow", "speed_kmh": 30.0, "detour_factor": 1.3,
                     "vehicle_types": []}
    stored = client.put("/admin/warehouses/wh-msk/fleet", json=FLEET, headers=admin_headers).json()
    assert stored["vehicle_types"][0] == FLEET["vehicle_types"][0] | {"capacity_kg": 800.0, "capacity_l": 8000.0}
    assert client.get("/admin/warehouses/wh-msk/fleet", headers=admin_headers).json() == stored
    hours = client.get("/admin/pickup-points/pp-msk/hours", headers=admin_headers).json()
    assert hours["configured"] is False and hours["hours"]["sun"] == ["00:00", "24:00"]


@pytest.mark.parametrize(("path", "body", "status", "says"), [
    ("/admin/warehouses/wh-nope/fleet", FLEET, 404, "warehouse wh-nope not found"),
    ("/admin/warehouses/wh-msk/fleet", FLEET | {"timezone": "Mars/Olympus"}, 422, "not an IANA time zone"),
    ("/admin/warehouses/wh-msk/fleet", FLEET | {"vehicle_types": [FLEET["vehicle_types"][0] | {
        "shift_start": "18:00", "shift_end": "08:00"}]}, 422, "shift_start 18:00 must be before shift_end 08:00"),
    ("/admin/warehouses/wh-msk/fleet", FLEET | {"vehicle_types": FLEET["vehicle_types"] * 2}, 422,
     "vehicle type van appears more than once"),
    ("/admin/pickup-points/pp-msk/hours", {"hours": {"mon": ["21:00", "09:00"]}}, 422,
     "hours.mon: opens 21:00 must be before closes 09:00"),
    ("/admin/pickup-points/pp-msk/hours", {"hours": {"funday": ["09:00", "21:00"]}}, 422, "hours.funday"),
    ("/admin/pickup-points/pp-nope/hours", {"hours": {}}, 404, "pickup point pp-nope not found"),
])
def test_bad_settings_are_refused_by_name(client: TestClient, network: Central, admin_headers: dict[str, str],
                                          path: str, body: dict, status: int, says: str) -> None:
    resp = client.put(path, json=body, headers=admin_headers)
    assert resp.status_code == status and says in resp.text, resp.text


def test_tokens_name_a_real_van_and_are_not_shared(client: TestClient, network: Central,
                                                   admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    token = {"token": "x" * 40}
    assert client.put("/admin/warehouses/wh-msk/vehicles/van-3/token", json=token,
                      headers=admin_headers).json()["error"]["code"] == "unknown_vehicle"
    assert client.put("/admin/warehouses/wh-msk/vehicles/van-1/token", json=token, headers=admin_headers
                      ).status_code == 204
    assert client.put("/admin/warehouses/wh-msk/vehicles/van-2/token", json=token, headers=admin_headers
                      ).status_code == 409
    assert client.get("/courier/v1/routes", headers={"Authorization": "Bearer " + "x" * 40}).json() == []


def test_operator_matrix_drives_the_plan_and_a_bad_one_is_refused(client: TestClient, shipper: Shipper,
                                                                  admin_headers: dict[str, str]) -> None:
    set_fleet(client, admin_headers)
    shipper.ship(shipper.paid_order("k1", "pp-msk-2", A=1))
    legs = "from_id,to_id,distance_m,duration_s\nwh-msk,pp-msk-2,12345,900\npp-msk-2,wh-msk,23456,1200\n"
    plan = client.post("/admin/warehouses/wh-msk/routes/plan", json={"matrix_csv": legs, "max_iterations": 50},
                       headers=admin_headers).json()
    assert plan["routes"][0]["distance_km"] == pytest.approx(35.801)
    assert plan["routes"][0]["stops"][0]["leg_km"] == pytest.approx(12.345)
    bad = client.post("/admin/warehouses/wh-msk/routes/plan", json={"matrix_csv": legs.replace("12345", "lots")},
                      headers=admin_headers)
    assert bad.status_code == 422 and bad.json()["error"]["message"].startswith("matrix:2: distance_m and duration_s")
    past = client.post("/admin/warehouses/wh-msk/routes/plan", json={"service_date": "2026-03-01"},
                       headers=admin_headers)
    assert past.status_code == 422 and "in the past" in past.text


def test_out_of_reach_and_overweight_shipments_are_reported(client: TestClient, shipper: Shipper,
                                                            admin_headers: dict[str, str]) -> None:
    tiny = FLEET | {"vehicle_types": [FLEET["vehicle_types"][0] | {"capacity_kg": 1.2}]}
    set_fleet(client, admin_headers, tiny)
    heavy = shipper.paid_order("k1", "pp-msk", A=3)  # 1.5 kg
    assert client.put("/admin/pickup-points/pp-msk-2/hours", json={"hours": {"tue": ["06:00", "07:00"]}},
                      headers=admin_headers).status_code == 200
    early = shipper.paid_order("k2", "pp-msk-2", A=1)
    for order in (heavy, early):
        shipper.ship(order)
    plan = client.post("/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 50}, headers=admin_headers
                       ).json()
    reasons = {u["pickup_point_id"]: u["reason"] for u in plan["unrouted"]}
    assert plan["routes"] == []
    assert "1.5 kg" in reasons["pp-msk"] and "largest van" in reasons["pp-msk"]
    assert "open 06:00-07:00" in reasons["pp-msk-2"] and "cannot be served within a shift" in reasons["pp-msk-2"]
    order = client.get(f"/orders/{early['order_id']}", headers=admin_headers).json()
    assert order["shipments"][0]["delivery"]["state"] == "AWAITING_ROUTE"
    assert "cannot be served" in order["shipments"][0]["delivery"]["reason"]


def test_plan_routes_command_prints_the_vans_and_writes_the_picture(client: TestClient, shipper: Shipper,
                                                                    admin_headers: dict[str, str], db_url: str,
                                                                    tmp_path: Path) -> None:
    set_fleet(client, admin_headers)
    shipper.ship(shipper.paid_order("k1", "pp-msk", A=1))
    picture = tmp_path / "plan.svg"
    day = (date.today() + timedelta(days=7)).isoformat()  # the command runs on the real clock
    cli = Path(sys.executable).parent / "sklad-central"
    done = subprocess.run([str(cli), "plan-routes", "--db", db_url, "--warehouse", "wh-msk", "--date", day,
                           "--iterations", "100", "--svg", str(picture)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert f"wh-msk {day}: 1 vans, 1 stops" in done.stdout and "wh-msk/van-1" in done.stdout
    assert picture.read_text().startswith("<svg") and "van-1: 1 stops" in picture.read_text()
    missing = subprocess.run([str(cli), "plan-routes", "--db", db_url, "--warehouse", "wh-msk", "--matrix",
                              str(tmp_path / "nope.csv")], capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "--matrix" in missing.stderr and "Traceback" not in missing.stderr


def test_warehouses_serving_the_same_pickup_points_are_planned_together(client: TestClient, shipper: Shipper,
                                                                         admin_headers: dict[str, str]) -> None:
    """Multi-depot: one solve, each warehouse's parcels on its own vans, each route under its warehouse."""
    day_long = FLEET | {"speed_kmh": 90, "vehicle_types": [FLEET["vehicle_types"][0] | {
        "shift_start": "00:00", "shift_end": "24:00"}]}
    set_fleet(client, admin_headers, day_long)
    assert client.put("/admin/warehouses/wh-spb/fleet", json=day_long, headers=admin_headers).status_code == 200
    from_msk = shipper.paid_order("k1", "pp-msk", A=1)
    from_spb = shipper.paid_order("k2", "pp-msk", C=1)  # C is stocked in Saint Petersburg and Kazan only
    assert from_spb["shipments"][0]["warehouse_id"] == "wh-spb"
    for order in (from_msk, from_spb):
        shipper.ship(order)
    plan = client.post("/admin/warehouses/wh-msk/routes/plan", json={"with_warehouses": ["wh-spb"],
                                                                     "max_iterations": 100}, headers=admin_headers)
    assert plan.status_code == 200, plan.text
    carried = {r["warehouse_id"]: [s for stop in r["stops"] for s in stop["shipments"]] for r in plan.json()["routes"]}
    assert carried == {"wh-msk": [from_msk["shipments"][0]["shipment_id"]],
                       "wh-spb": [from_spb["shipments"][0]["shipment_id"]]}
    spb = client.get(f"/admin/warehouses/wh-spb/routes?date={plan.json()['service_date']}", headers=admin_headers)
    assert [r["vehicle_id"] for r in spb.json()["routes"]] == ["van-1"]
    assert client.put("/admin/warehouses/wh-kzn/fleet", json=FLEET | {"timezone": "Asia/Yekaterinburg"},
                      headers=admin_headers).status_code == 200
    mixed = client.post("/admin/warehouses/wh-msk/routes/plan", json={"with_warehouses": ["wh-kzn"]},
                        headers=admin_headers)
    assert mixed.status_code == 422 and "must share a time zone" in mixed.text


def test_bulky_goods_are_measured_without_overflow(client: TestClient, shipper: Shipper,
                                                   admin_headers: dict[str, str]) -> None:
    """3 pallets' worth (2,304 l, more than 2^31 mm3) of one SKU: weight and volume add up exactly."""
    bulky = {"sku": "PALLET", "seller_id": "s1", "name": "Garden shed kit", "unit_weight_g": 90_000,
             "dims_mm": {"length_mm": 1200, "width_mm": 800, "height_mm": 800}, "price_minor": 100}
    assert client.put("/admin/skus", json={"items": [bulky]}, headers=admin_headers).status_code == 200
    assert client.post("/admin/stock/import", json={"rows": [{"warehouse_id": "wh-msk", "sku": "PALLET",
                                                              "on_hand": 5}]}, headers=admin_headers).status_code == 200
    set_fleet(client, admin_headers)
    shipper.ship(shipper.paid_order("k1", "pp-msk", PALLET=3))
    plan = client.post("/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 50}, headers=admin_headers)
    assert plan.status_code == 200, plan.text
    stop = plan.json()["routes"][0]["stops"][0]
    assert (stop["load_kg"], stop["load_l"]) == (270.0, 2304.0)
