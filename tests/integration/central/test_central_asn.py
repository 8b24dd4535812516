"""Advance shipping notices: an admin announces inbound goods; they go into the warehouse's feed."""

from __future__ import annotations

from fastapi.testclient import TestClient

from central.bootstrap import Central

ASN = {"asn_id": "ASN-7", "expected_at": "2026-11-25T08:00:00Z",
       "lines": [{"sku": "A", "qty": 120}, {"sku": "B", "qty": 30, "lot": "L-9", "expiry": "2027-03-31"}]}


def test_an_asn_lands_in_the_warehouse_feed(client: TestClient, network: Central,
                                            admin_headers: dict[str, str]) -> None:
    resp = client.post("/admin/warehouses/wh-spb/asn", json=ASN, headers=admin_headers)
    assert resp.status_code == 201
    seq = resp.json()["feed_seq"]
    feed = client.get("/admin/warehouses/wh-spb/feed", params={"after": seq - 1}, headers=admin_headers).json()
    assert feed["last_seq"] == seq
    assert feed["entries"][0]["command"] == {
        "type": "advance_shipping_notice", "asn_id": "ASN-7", "warehouse_id": "wh-spb",
        "expected_at": "2026-11-25T08:00:00Z",
        "lines": [{"sku": "A", "qty": 120, "lot": None, "expiry": None},
                  {"sku": "B", "qty": 30, "lot": "L-9", "expiry": "2027-03-31"}]}


def test_bad_asns_are_refused_and_change_nothing(client: TestClient, network: Central,
                                                 admin_headers: dict[str, str]) -> None:
    before = client.get("/admin/warehouses/wh-spb/feed", headers=admin_headers).json()["last_seq"]
    unknown_sku = {**ASN, "lines": [{"sku": "NOPE", "qty": 1}]}
    twice = {**ASN, "lines": [{"sku": "A", "qty": 1}, {"sku": "A", "qty": 2}]}
    zero = {**ASN, "lines": [{"sku": "A", "qty": 0}]}
    cases = [("/admin/warehouses/wh-spb/asn", unknown_sku, admin_headers, 404, "unknown_sku"),
             ("/admin/warehouses/wh-xxx/asn", ASN, admin_headers, 404, "not_found"),
             ("/admin/warehouses/wh-spb/asn", twice, admin_headers, 422, "validation_failed"),
             ("/admin/warehouses/wh-spb/asn", zero, admin_headers, 422, "validation_failed"),
             ("/admin/warehouses/wh-spb/asn", ASN, {}, 401, "unauthorized")]
    for url, body, headers, status, code in cases:
        resp = client.post(url, json=body, headers=headers)
        assert (resp.status_code, resp.json()["error"]["code"]) == (status, code), (body, resp.text)
    assert client.get("/admin/warehouses/wh-spb/feed", headers=admin_headers).json()["last_seq"] == before
