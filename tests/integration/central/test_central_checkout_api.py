"""POST /orders end to end through the API: routing, holds, idempotency, bad baskets."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_central import levels
from support_central import order_body as order

from central.bootstrap import Central

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def alice(network: Central, customer_headers: Headers) -> dict[str, str]:
    return customer_headers("alice")


def test_single_warehouse_nearest_to_pickup_point(client: TestClient, network: Central,
                                                   alice: dict[str, str]) -> None:
    resp = client.post("/orders", json=order("k1", "pp-msk", A=2, B=1), headers=alice)
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["status"] == "PENDING_PAYMENT"
    assert body["total_minor"] == 2 * 100_00 + 250_00
    assert [s["warehouse_id"] for s in body["shipments"]] == ["wh-msk"]
    assert body["shipments"][0]["warehouse_name"] == "Moscow"
    assert body["payment"]["redirect_url"].startswith("http://testserver/sandbox/3ds/pay-")
    assert levels(network, "A")["wh-msk"] == (10, 2)
    assert levels(network, "A")["wh-spb"] == (10, 0)


def test_one_warehouse_that_ships_all_beats_a_nearer_split(client: TestClient,
                                                           alice: dict[str, str]) -> None:
    body = client.post("/orders", json=order("k1", "pp-msk", A=1, C=1), headers=alice).json()
    assert [s["warehouse_id"] for s in body["shipments"]] == ["wh-spb"]


def test_split_over_fewest_warehouses_then_shortest_distance(client: TestClient,
                                                             alice: dict[str, str]) -> None:
    body = client.post("/orders", json=order("k1", "pp-msk", A=1, D=1), headers=alice).json()
    by_wh = {s["warehouse_id"]: s["lines"] for s in body["shipments"]}
    assert by_wh == {"wh-msk": [{"sku": "A", "qty": 1}], "wh-kzn": [{"sku": "D", "qty": 1}]}


def test_same_idempotency_key_returns_the_same_order(client: TestClient, network: Central,
                                                     alice: dict[str, str]) -> None:
    first = client.post("/orders", json=order("k1", "pp-msk", A=1, B=2), headers=alice)
    again = client.post("/orders", json=order("k1", "pp-msk", B=2, A=1), headers=alice)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["order_id"] == first.json()["order_id"]
    assert levels(network, "A")["wh-msk"] == (10, 1)


def test_reused_key_with_another_basket_is_a_conflict(client: TestClient,
                                                      alice: dict[str, str]) -> None:
    client.post("/orders", json=order("k1", "pp-msk", A=1), headers=alice)
    resp = client.post("/orders", json=order("k1", "pp-msk", A=2), headers=alice)
    assert resp.status_code == 409
    assert resp.json()["error"]["code"] == "idempotency_key_reused"
    assert "different basket" in resp.json()["error"]["message"]


def test_keys_are_per_customer(client: TestClient, alice: dict[str, str],
                               customer_headers: Headers) -> None:
    a = client.post("/orders", json=order("k1", "pp-msk", A=1), headers=alice).json()
    b = client.post("/orders", json=order("k1", "pp-msk", A=1),
                    headers=customer_headers("bob")).json()
    assert a["order_id"] != b["order_id"]


def test_out_of_stock_holds_nothing(client: TestClient, network: Central,
                                    alice: dict[str, str]) -> None:
    resp = client.post("/orders", json=order("k1", "pp-msk", A=1, D=5), headers=alice)
    assert resp.status_code == 409
    assert resp.json()["error"] == {"code": "out_of_stock",
                                    "message": "not enough stock for: D (4 available)",
                                    "details": {"available": {"D": 4}}}
    assert levels(network, "A")["wh-msk"] == (10, 0)


def test_a_line_larger_than_any_warehouse_is_split(client: TestClient,
                                                   alice: dict[str, str]) -> None:
    body = client.post("/orders", json=order("k1", "pp-msk", A=15), headers=alice).json()
    assert sorted((s["warehouse_id"], s["lines"][0]["qty"]) for s in body["shipments"]) == [
        ("wh-msk", 10), ("wh-spb", 5)]


@pytest.mark.parametrize(("lines", "code"), [
    ([{"sku": "A", "qty": 0}], "validation_failed"),
    ([{"sku": "A", "qty": -3}], "validation_failed"),
    ([{"sku": "A", "qty": 10**12}], "validation_failed"),
    ([{"sku": "A", "qty": "two"}], "validation_failed"),
    ([{"sku": "A", "qty": 1}, {"sku": "A", "qty": 2}], "validation_failed"),
    ([], "validation_failed"),
    ([{"sku": "A\u0000", "qty": 1}], "validation_failed"),
])
def test_bad_lines_are_refused_with_a_clear_error(client: TestClient, alice: dict[str, str],
                                                  lines: list[object], code: str) -> None:
    resp = client.post("/orders", json={"idempotency_key": "k", "pickup_point_id": "pp-msk",
                                        "lines": lines}, headers=alice)
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == code
    assert resp.json()["error"]["message"]


def test_unknown_pickup_point_or_sku_is_a_404(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post("/orders", json=order("k", "pp-nowhere", A=1), headers=alice)
    assert (resp.status_code, resp.json()["error"]["code"]) == (404, "unknown_pickup_point")
    assert "pp-nowhere" in resp.json()["error"]["message"]
    resp = client.post("/orders", json=order("k", "pp-msk", NOPE=1), headers=alice)
    assert (resp.status_code, resp.json()["error"]["code"]) == (404, "unknown_sku")
    assert "NOPE" in resp.json()["error"]["message"]


def test_malformed_json_is_a_400(client: TestClient, alice: dict[str, str]) -> None:
    resp = client.post("/orders", content=b'{"lines": [', headers=alice | {
        "Content-Type": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["error"]["code"] == "malformed_json"


def test_customers_see_only_their_own_orders(client: TestClient, alice: dict[str, str],
                                             customer_headers: Headers,
                                             admin_headers: dict[str, str]) -> None:
    order_id = client.post("/orders", json=order("k", "pp-msk", A=1), headers=alice
                           ).json()["order_id"]
    assert client.get(f"/orders/{order_id}", headers=alice).status_code == 200
    assert client.get(f"/orders/{order_id}", headers=customer_headers("bob")).status_code == 404
    seen = client.get(f"/orders/{order_id}", headers=admin_headers).json()
    assert seen["customer_id"] == "alice"
    assert seen["shipments"][0]["warehouse_id"] == "wh-msk"


def test_credentials(client: TestClient, network: Central, admin_headers: dict[str, str]
                     ) -> None:
    body = order("k", "pp-msk", A=1)
    missing = client.post("/orders", json=body)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "unauthorized"
    forged = client.post("/orders", json=body, headers={"Authorization": "Bearer c2.alice.99999999999.xxx"})
    assert forged.status_code == 401
    assert client.post("/orders", json=body, headers=admin_headers).status_code == 403


def test_checkout_shortcut_answers_as_fastapi_does(client: TestClient, network: Central,
                                                   alice: dict[str, str],
                                                   admin_headers: dict[str, str]) -> None:
    """POST /orders skips dependency solving for a valid customer and body; any other request
    takes FastAPI's own path, with the same precedence: auth (before the body is read), then
    malformed JSON, then 422."""
    json_type = {"Content-Type": "application/json"}
    malformed = client.post("/orders", content=b'{"lines": [', headers=json_type)
    assert malformed.status_code == 401
    malformed = client.post("/orders", content=b'{"lines": [', headers=json_type | alice)
    assert malformed.status_code == 400
    assert malformed.json()["error"]["code"] == "malformed_json"
    empty = {"idempotency_key": "k", "pickup_point_id": "pp-msk", "lines": []}
    assert client.post("/orders", json=empty).status_code == 401
    assert client.post("/orders", json=empty, headers=admin_headers).status_code == 403
    assert client.post("/orders", json=empty, headers=alice).status_code == 422
    other_spelling = {"Authorization": alice["Authorization"].replace("Bearer ", "bearer  "),
                      "Content-Type": "application/json; charset=utf-8"}
    body = json.dumps(order("k", "pp-msk", A=1)).encode()
    first = client.post("/orders", content=body, headers=other_spelling)
    assert first.status_code == 201, first.text
    again = client.post("/orders", content=body, headers=alice | json_type)
    assert again.status_code == 200
    assert again.json() == first.json()


def test_a_lost_database_connection_is_a_503_and_is_not_reused(
        client: TestClient, network: Central, alice: dict[str, str]) -> None:
    """On PostgreSQL the checkout runs on psycopg itself (Database.autocommit), not through
    SQLAlchemy: a connection the server dropped still answers 503, and leaves the pool."""
    if not network.db.is_postgres:
        pytest.skip("the checkout's own connection pool is PostgreSQL's")
    assert client.post("/orders", json=order("k1", "pp-msk", A=1), headers=alice
                       ).status_code == 201
    with network.db.autocommit() as conn:  # the one connection the requests above used
        pid = conn.info.backend_pid
    with network.db.read() as other:
        other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    lost = client.post("/orders", json=order("k2", "pp-msk", A=1), headers=alice)
    assert lost.status_code == 503, lost.text
    assert lost.json()["error"]["code"] == "database_unavailable"
    assert client.post("/orders", json=order("k2", "pp-msk", A=1), headers=alice
                       ).status_code == 201
    assert levels(network, "A")["wh-msk"] == (10, 2)
