"""Plan the warehouse's delivery routes at central before the shift (so the floor waves by van and
labels carry route and stop), and after it drive one van through its route.

Used by the demo. Everything goes through central's HTTP API: the fleet, the plan, a courier
token for the first van, then the courier's events (departed, arrived, handed over per stop).
A van takes only what the floor shipped: its stops are read again once it has left.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import requests
from rich.console import Console
from rich.table import Table

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
    plan_made: dict = field(default_factory=dict)  # the last plan `ahead` made

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
        """Drive `route` with its van's own courier token: every stop of what went aboard reached and
        handed over (a parcel the floor had not shipped stayed behind)."""
        token = secrets.token_urlsafe(32)
        self.call("PUT", f"/admin/warehouses/{warehouse_id}/vehicles/{route['vehicle_id']}/token",
                  json={"token": token})
        self._event(route, token, {"type": "departed"})
        aboard = self.call("GET", f"/admin/routes/{route['route_id']}")
        for stop in aboard["stops"]:  # type: ignore[index]
            self._event(route, token, {"type": "arrived", "stop": stop["seq"]})
            self._event(route, token, {"type": "handed_over", "stop": stop["seq"], "shipment_ids": stop["shipments"]})
        return sum(len(s["shipments"]) for s in aboard["stops"])  # type: ignore[index]

    def _event(self, route: dict, token: str, event: dict) -> None:
        self.call("POST", f"/courier/v1/routes/{route['route_id']}/events", token,
                  json={"event_id": uuid.uuid4().hex} | event)

    def ahead(self, warehouse_id: str, console: Console) -> dict:
        """Plan the warehouse's vans before picking and show them."""
        console.print("planning delivery routes to the pickup points ahead of picking ...")
        plan = self.plan_made = self.plan(warehouse_id)
        table = Table(title=f"delivery plan {plan['service_date']}")
        for column in ("van", "stops", "shipments", "km", "load %"):
            table.add_column(column)
        for r in plan["routes"]:
            table.add_row(r["vehicle_id"], str(len(r["stops"])), str(sum(len(s["shipments"]) for s in r["stops"])),
                          f"{r['distance_km']:.1f}", f"{r['load_pct']:.0f}")
        console.print(table)
        return plan

    def after_shift(self, status: Callable[[str, str], str], orders: Sequence[tuple[str, str]]
                    ) -> list[tuple[str, object]]:
        """Drive the first van of the plan made ahead through its route; report rows."""
        plan = self.plan_made
        handed = self.drive(plan["warehouse_id"], plan["routes"][0]) if plan["routes"] else 0
        ready = sum(status(order_id, customer) == "READY_FOR_PICKUP" for order_id, customer in orders)
        return [("delivery vans / km / unrouted", f"{len(plan['routes'])} / {plan['total_km']:.1f} / "
                 f"{len(plan['unrouted'])}"),
                ("shipments handed to pickup points (one van driven)", handed),
                ("orders READY_FOR_PICKUP", ready)]
