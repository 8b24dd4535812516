"""The OpenAPI document states the rules the server enforces, and refusals use fitting statuses."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from central.bootstrap import Central


def schema(doc: dict, name: str) -> dict:
    return doc["components"]["schemas"][name]


def test_duplicate_rows_text_and_limits_are_in_the_document(client: TestClient, network: Central) -> None:
    doc = client.get("/openapi.json").json()
    uniques = {name: schema(doc, name)["properties"][field].get("x-unique-by")
               for name, field in [("PlaceOrderIn", "lines"), ("SkuBatch", "items"), ("PickupPointBatch", "items"),
                                   ("StockImport", "rows"), ("AsnIn", "lines")]}
    assert uniques == {"PlaceOrderIn": ["sku"], "SkuBatch": ["sku"], "PickupPointBatch": ["pickup_point_id"],
                       "StockImport": ["warehouse_id", "sku"], "AsnIn": ["sku", "lot"]}
    name = schema(doc, "WarehouseIn")["properties"]["name"]
    assert (name["maxLength"], name["minLength"]) == (200, 1)
    printable = re.compile(name["pattern"])
    assert printable.match("Склад №1") and not printable.match("   ") and not printable.match("a\x07b")
    lines = schema(doc, "PlaceOrderIn")["properties"]["lines"]
    assert (lines["minItems"], lines["maxItems"]) == (1, 100)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if "requestBody" in op:
                assert "413" in op["responses"], (method, path)
            if path != "/healthz":
                assert "401" in op["responses"] or path == "/payments/callback", (method, path)


def test_refusals_use_fitting_statuses(client: TestClient, network: Central, customer_headers,
                                       admin_headers: dict[str, str]) -> None:
    alice = customer_headers("alice")
    body = {"idempotency_key": "k", "pickup_point_id": "pp-msk", "lines": [{"sku": "NOPE", "qty": 1}]}
    assert client.post("/orders", json=body, headers=alice).status_code == 404
    twice = dict(body, lines=[{"sku": "A", "qty": 1}, {"sku": "A", "qty": 1}])
    resp = client.post("/orders", json=twice, headers=alice)
    assert resp.status_code == 422 and "appears more than once" in resp.json()["error"]["message"]
    ok = dict(body, lines=[{"sku": "A", "qty": 1}])
    assert client.post("/orders", json=ok, headers=alice).status_code == 201
    other = dict(ok, lines=[{"sku": "B", "qty": 1}])
    assert client.post("/orders", json=other, headers=alice).status_code == 409
    rows = {"rows": [{"warehouse_id": "wh-msk", "sku": "NOPE", "on_hand": 1}]}
    assert client.post("/admin/stock/import", json=rows, headers=admin_headers).status_code == 404
