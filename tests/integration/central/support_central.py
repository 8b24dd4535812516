"""Helpers shared by central's integration tests (imported by file name; pytest puts this
folder on sys.path)."""

from __future__ import annotations

from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient

from central.bootstrap import Central
from central.services.catalog import stock_levels


def order_body(key: str, pickup: str, **lines: int) -> dict[str, object]:
    return {"idempotency_key": key, "pickup_point_id": pickup,
            "lines": [{"sku": s, "qty": q} for s, q in lines.items()]}


def levels(central: Central, sku: str) -> dict[str, tuple[int, int]]:
    """warehouse_id -> (on_hand, reserved) for one SKU."""
    return {s.warehouse_id: (s.on_hand, s.reserved)
            for s in stock_levels(central, None, sku, 100)}


def three_ds(client: TestClient, placed: dict, outcome: str = "approve"):  # type: ignore[no-untyped-def]
    """The order's own customer answers the sandbox's 3-D Secure page, with their own token."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    token = client.post(f"/admin/customers/{placed['customer_id']}/token", headers=admin).json()["token"]
    return client.post(f"/sandbox/3ds/{placed['payment']['payment_id']}", json={"outcome": outcome},
                       headers={"Authorization": f"Bearer {token}"})
