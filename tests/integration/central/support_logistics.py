"""Helpers for the logistics tests: pickup points around Moscow, a fleet, shipped orders, tokens."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient
from support_central import order_body
from support_sync import batch, mv, set_tokens, upload

EXTRA_POINTS = [{"pickup_point_id": f"pp-msk-{n}", "name": f"Moscow PVZ {n}", "lat": lat, "lon": lon}
                for n, (lat, lon) in enumerate([(55.80, 37.50), (55.70, 37.70), (55.65, 37.55)], start=2)]
FLEET = {"timezone": "Europe/Moscow", "speed_kmh": 30, "detour_factor": 1.3, "vehicle_types": [
    {"vehicle_type_id": "van", "name": "Panel van", "capacity_kg": 800, "capacity_l": 8000, "count": 2,
     "shift_start": "08:00", "shift_end": "20:00", "cost_per_km_minor": 2500, "cost_per_hour_minor": 60000}]}
COURIER = "van-1-courier-token-0123456789abcdef"
OTHER_COURIER = "van-2-courier-token-0123456789abcdef"
PP_TOKEN = "pp-msk-pickup-token-0123456789abcdef"


class Shipper:
    """Places paid orders and ships them from wh-msk through the sync upload, as the floor would."""

    def __init__(self, client: TestClient, admin: dict[str, str], customer: Callable[[str], dict[str, str]]):
        self.client, self.admin, self.customer = client, admin, customer
        self.seq: dict[str, int] = {}  # per warehouse: each edge node has its own movement seq
        set_tokens(client, admin)
        assert client.put("/admin/pickup-points", json={"items": EXTRA_POINTS}, headers=admin).status_code == 200

    def paid_order(self, key: str, pickup: str, customer: str = "alice", **lines: int) -> dict:
        placed = self.client.post("/orders", json=order_body(key, pickup, **lines), headers=self.customer(customer))
        assert placed.status_code == 201, placed.text
        pay = self.client.post(placed.json()["payment"]["redirect_url"].removeprefix("http://testserver"),
                               json={"outcome": "approve"}, headers=self.customer(customer))
        assert pay.json()["result"] == "paid", pay.text
        return self.client.get(f"/orders/{placed.json()['order_id']}", headers=self.admin).json()

    def ship(self, order: dict) -> None:
        for shipment in order["shipments"]:
            wid = shipment["warehouse_id"]
            movements = []
            for line in shipment["lines"]:
                self.seq[wid] = self.seq.get(wid, 0) + 1
                movements.append(mv(self.seq[wid], "ship", line["sku"], line["qty"],
                                    shipment_ref=shipment["shipment_id"], order_ref=order["order_id"]))
            resp = upload(self.client, batch(movements, warehouse_id=wid), warehouse_id=wid)
            assert resp.status_code == 200, resp.text


def set_fleet(client: TestClient, admin: dict[str, str], fleet: dict | None = None) -> None:
    resp = client.put("/admin/warehouses/wh-msk/fleet", json=fleet or FLEET, headers=admin)
    assert resp.status_code == 200, resp.text
    for vehicle, token in (("van-1", COURIER), ("van-2", OTHER_COURIER)):
        resp = client.put(f"/admin/warehouses/wh-msk/vehicles/{vehicle}/token", json={"token": token}, headers=admin)
        assert resp.status_code == 204, resp.text


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def plan(client: TestClient, admin: dict[str, str], **body: object) -> dict:
    """Plan wh-msk's routes through the admin API (a short search: tests need a plan, not the best)."""
    resp = client.post("/admin/warehouses/wh-msk/routes/plan", json={"max_iterations": 300} | body, headers=admin)
    assert resp.status_code == 200, resp.text
    return resp.json()
