"""Real concurrent callbacks against `sklad-central serve --workers 2`: two approvals of one
payment arriving together pay the order once and never leave its payment due for a refund."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from support_serve import ADMIN, serving

from central.services.catalog import import_stock

pytestmark = pytest.mark.e2e
ORDERS = 20


@pytest.fixture
def server(db_url: str, network, tmp_path: Path) -> Iterator[str]:
    import_stock(network, [("wh-msk", "FLASH", ORDERS)])
    with serving(db_url, tmp_path / "serve.log") as base:
        yield base


def place_orders(http: httpx.Client, count: int) -> list[tuple[dict, dict[str, str]]]:
    admin = {"Authorization": f"Bearer {ADMIN}"}
    placed = []
    for n in range(count):
        token = http.post(f"/admin/customers/buyer-{n}/token", headers=admin).json()["token"]
        me = {"Authorization": f"Bearer {token}"}
        resp = http.post("/orders", headers=me, json={
            "idempotency_key": "k", "pickup_point_id": "pp-msk", "lines": [{"sku": "FLASH", "qty": 1}]})
        assert resp.status_code == 201, resp.text
        placed.append((resp.json(), me))
    return placed


def test_two_approvals_at_once_pay_the_order_once(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        placed = place_orders(http, ORDERS)
        gates = [threading.Barrier(2) for _ in placed]

        def approve(i: int) -> int:
            order, me = placed[i // 2]
            gates[i // 2].wait(10)
            with httpx.Client(base_url=server, timeout=30) as own:
                return own.post(order["payment"]["redirect_url"].removeprefix(server), headers=me,
                                json={"outcome": "approve"}).status_code

        with ThreadPoolExecutor(max_workers=2 * ORDERS) as pool:
            codes = list(pool.map(approve, range(2 * ORDERS)))
        assert set(codes) == {200}
        seen = [http.get(f"/orders/{o['order_id']}", headers=me).json() for o, me in placed]
        assert {(o["status"], o["payment"]["status"]) for o in seen} == {("PAID", "SUCCEEDED")}
        admin = {"Authorization": f"Bearer {ADMIN}"}
        feed = http.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000},
                        headers=admin).json()["entries"]
        sent = [e["command"]["order_id"] for e in feed if e["command"]["type"] == "fulfilment_order"]
        assert sorted(sent) == sorted(o["order_id"] for o, _ in placed)
        swept = http.post("/admin/sweep", headers=admin).json()
        assert swept["refunded"] == 0


def test_a_cancel_racing_the_approval_ends_in_one_consistent_state(server: str) -> None:
    """Approval first: the order is paid and its cancel goes to the floor. Cancel first: the order
    is cancelled and the money that came anyway is due back. Never a mix of the two."""
    with httpx.Client(base_url=server, timeout=30) as http:
        placed = place_orders(http, ORDERS)
        gates = [threading.Barrier(2) for _ in placed]

        def act(i: int) -> int:
            order, me = placed[i // 2]
            gates[i // 2].wait(10)
            with httpx.Client(base_url=server, timeout=30) as own:
                if i % 2:
                    return own.post(f"/orders/{order['order_id']}/cancel", headers=me).status_code
                return own.post(order["payment"]["redirect_url"].removeprefix(server), headers=me,
                                json={"outcome": "approve"}).status_code

        with ThreadPoolExecutor(max_workers=2 * ORDERS) as pool:
            assert set(pool.map(act, range(2 * ORDERS))) == {200}
        seen = [http.get(f"/orders/{o['order_id']}", headers=me).json() for o, me in placed]
        ends = {(o["status"], o["payment"]["status"], o["shipments"][0]["status"]) for o in seen}
        assert ends <= {("CANCEL_REQUESTED", "SUCCEEDED", "CANCEL_REQUESTED"),
                        ("CANCELLED", "REFUND_DUE", "CANCELLED")}, ends
        admin = {"Authorization": f"Bearer {ADMIN}"}
        feed = http.get("/admin/warehouses/wh-msk/feed", params={"after": 0, "limit": 1000},
                        headers=admin).json()["entries"]
        sent = {e["command"]["order_id"] for e in feed if e["command"]["type"] == "fulfilment_order"}
        cancels = {e["command"]["order_id"] for e in feed if e["command"]["type"] == "cancel_shipment"}
        asked = {o["order_id"] for o in seen if o["status"] == "CANCEL_REQUESTED"}
        assert sent == cancels == asked
