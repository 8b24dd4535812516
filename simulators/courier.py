"""After the shift: plan the warehouse's delivery routes at central and drive one van through its route.

Used by the demo. Everything goes through central's HTTP API: the fleet, the plan, a courier
token for the first van, then the courier's events (departed, arrived, handed over per stop).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass, field

import requests

DEMO_FLEET = {"timezone": "Europe/Moscow", "speed_kmh": 28, "detour_factor": 1.35, "vehicle_types": [
    {"vehicle_type_id": "van", "name": "Panel van", "capacity_kg": 600, "capacity_l": 5000, "count": 4,
     "shift_start": "08:00", "shift_end": "12:30", "cost_per_km_minor": 2500, "cost_per_hour_minor": 60000},
    {"vehicle_type_id": "truck", "name": "Box truck", "capacity_kg": 1500, "capacity_l": 14000, "count": 2,
     "shift_start": "07:00", "shift_end": "11:00", "cost_per_km_minor": 4000, "cost_per_hour_minor": 75000}]}


@dataclass
class Dispatch:
    base: str
    admin_token: str
    http: requests.Session = field(default_factory=requests.Session)

    def call(self, method: str, path: str, token: str | None = None, **kwargs) -> dict | None:  # type: ignore[no-untyped-def]
        reply = self.http.request(method, self.base + path, timeout=60,
                                  headers={"Authorization": f"Bearer {token or self.admin_token}"}, **kwargs)
        if reply.status_code >= 400:
            raise RuntimeError(f"{method} {path} -> {reply.status_code}: {reply.text[:300]}")
        return reply.json() if reply.content else None

    def plan(self, warehouse_id: str) -> dict:
        self.call("PUT", f"/admin/warehouses/{warehouse_id}/fleet", json=DEMO_FLEET)
        return self.call("POST", f"/admin/warehouses/{warehouse_id}/routes/plan",
                         json={"time_budget_s": 5, "max_iterations": 3000, "seed": 1})  # type: ignore[return-value]

    def drive(self, warehouse_id: str, route: dict) -> int:
        """Drive `route` with its van's own courier token: every stop reached and handed over."""
        token = secrets.token_urlsafe(32)
        self.call("PUT", f"/admin/warehouses/{warehouse_id}/vehicles/{route['vehicle_id']}/token",
                  json={"token": token})
        events = [{"type": "departed"}]
        for stop in route["stops"]:
            events += [{"type": "arrived", "stop": stop["seq"]},
                       {"type": "handed_over", "stop": stop["seq"], "shipment_ids": stop["shipments"]}]
        for ev in events:
            self.call("POST", f"/courier/v1/routes/{route['route_id']}/events", token,
                      json={"event_id": uuid.uuid4().hex} | ev)
        return sum(len(s["shipments"]) for s in route["stops"])
