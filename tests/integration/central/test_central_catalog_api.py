"""Admin catalog and network API; catalog changes flow into every warehouse's feed."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from central.bootstrap import Central
from central.db.tables import warehouses
from central.tokens import token_matches

SKU = {"sku": "KETTLE-1", "seller_id": "seller-9", "name": "Электрочайник 1.7 л",
       "gtins": ["4601234567893"], "unit_weight_g": 1200,
       "dims_mm": {"length_mm": 250, "width_mm": 180, "height_mm": 260},
       "lot_tracked": False, "price_minor": 2_490_00}


def test_sku_round_trip_and_catalog_feed(client: TestClient, network: Central,
                                         admin_headers: dict[str, str]) -> None:
    resp = client.put("/admin/skus", json={"items": [SKU]}, headers=admin_headers)
    assert resp.json() == {"count": 1}
    assert client.get("/admin/skus/KETTLE-1", headers=admin_headers).json() == SKU | {
        "brand": "", "category_id": None, "description": "", "attributes": {}, "images": []}
    for wh in ("wh-msk", "wh-spb", "wh-kzn"):
        feed = client.get(f"/admin/warehouses/{wh}/feed", params={"after": 0, "limit": 1000},
                          headers=admin_headers).json()
        last = feed["entries"][-1]
        assert last["feed_seq"] == feed["last_seq"]
        assert last["command"] == {"type": "catalog_upsert", "sku": "KETTLE-1",
                                   "name": SKU["name"], "gtins": SKU["gtins"],
                                   "unit_weight_g": 1200, "dims_mm": SKU["dims_mm"],
                                   "lot_tracked": False}


def test_new_warehouse_gets_the_whole_catalog(client: TestClient, network: Central,
                                              admin_headers: dict[str, str]) -> None:
    resp = client.put("/admin/warehouses/wh-ekb", json={"name": "Yekaterinburg", "lat": 56.8,
                                                        "lon": 60.6}, headers=admin_headers)
    assert resp.json() == {"warehouse_id": "wh-ekb", "name": "Yekaterinburg", "lat": 56.8,
                           "lon": 60.6, "token_set": False}
    feed = client.get("/admin/warehouses/wh-ekb/feed", headers=admin_headers).json()
    assert sorted(e["command"]["sku"] for e in feed["entries"]) == ["A", "B", "C", "D", "FLASH"]
    assert [e["feed_seq"] for e in feed["entries"]] == [1, 2, 3, 4, 5]
    page = client.get("/admin/warehouses/wh-ekb/feed", params={"after": 3, "limit": 1},
                      headers=admin_headers).json()
    assert [e["feed_seq"] for e in page["entries"]] == [4]


def test_warehouse_token_is_stored_hashed(client: TestClient, network: Central,
                                          admin_headers: dict[str, str]) -> None:
    token = "wh-msk-sync-token-0123456789abcdef"
    resp = client.put("/admin/warehouses/wh-msk/token", json={"token": token},
                      headers=admin_headers)
    assert resp.status_code == 204
    with network.db.read() as conn:
        stored = conn.execute(sa.select(warehouses.c.token_hash)
                              .where(warehouses.c.warehouse_id == "wh-msk")).scalar_one()
    assert stored != token and token_matches(token, stored)
    listed = client.get("/admin/warehouses", headers=admin_headers).json()
    assert {w["warehouse_id"]: w["token_set"] for w in listed}["wh-msk"] is True
    missing = client.put("/admin/warehouses/wh-zz/token", json={"token": token},
                         headers=admin_headers)
    assert missing.status_code == 404


def test_pickup_points_and_stock_import(client: TestClient, network: Central,
                                        admin_headers: dict[str, str]) -> None:
    pp = {"pickup_point_id": "pp-tver", "name": "Tver PVZ", "lat": 56.86, "lon": 35.91}
    assert client.put("/admin/pickup-points", json={"items": [pp]},
                      headers=admin_headers).json() == {"count": 1}
    assert client.get("/admin/pickup-points/pp-tver", headers=admin_headers).json() == pp
    resp = client.post("/admin/stock/import", json={"rows": [
        {"warehouse_id": "wh-kzn", "sku": "A", "on_hand": 7}]}, headers=admin_headers)
    assert resp.json() == {"count": 1}
    rows = client.get("/admin/stock", params={"sku": "A"}, headers=admin_headers).json()
    assert {r["warehouse_id"]: r["available"] for r in rows} == {
        "wh-kzn": 7, "wh-msk": 10, "wh-spb": 10}
    bad = client.post("/admin/stock/import", json={"rows": [
        {"warehouse_id": "wh-kzn", "sku": "NOPE", "on_hand": 7}]}, headers=admin_headers)
    assert bad.status_code == 404
    assert bad.json()["error"]["code"] == "unknown_sku"


def test_admin_endpoints_need_the_admin_token(client: TestClient, network: Central,
                                              customer_headers) -> None:
    assert client.get("/admin/warehouses").status_code == 401
    wrong = client.get("/admin/warehouses", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    customer = client.get("/admin/warehouses", headers=customer_headers("alice"))
    assert customer.status_code == 403
    assert customer.json()["error"]["code"] == "forbidden"


def test_health_and_metrics(client: TestClient, network: Central, admin_headers: dict[str, str]) -> None:
    assert client.get("/healthz").json()["status"] == "ok"
    client.get("/healthz")
    text = client.get("/metrics", headers=admin_headers).text
    assert 'central_http_requests_total{method="GET",route="/healthz",status="200"}' in text


def test_repeated_keys_in_a_batch_are_refused(client: TestClient, network: Central,
                                              admin_headers: dict[str, str]) -> None:
    resp = client.put("/admin/skus", json={"items": [SKU, SKU]}, headers=admin_headers)
    assert resp.status_code == 422
    assert "KETTLE-1 appears more than once" in resp.json()["error"]["message"]
    row = {"warehouse_id": "wh-kzn", "sku": "A", "on_hand": 7}
    resp = client.post("/admin/stock/import", json={"rows": [row, row]}, headers=admin_headers)
    assert resp.status_code == 422
