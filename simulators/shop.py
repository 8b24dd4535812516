"""A scripted storefront and head office, through central's real HTTP API: the catalog, the
warehouse and its sync token, pickup points, customers placing orders and paying in the sandbox."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field

import requests

from central.catalog.generator import category_tree, product
from edge.seeding import gtin13

CATALOG_SEED = 7  # the generated catalog's texts (central.catalog.generator)


def storefront_item(i: int) -> dict[str, object]:
    """SKU number i as the demo's central lists it."""
    texts = product(CATALOG_SEED, i)
    return {"sku": f"SKU-{i:06d}", "seller_id": f"seller-{i % 7}", "name": texts.name, "brand": texts.brand,
            "category_id": texts.category_id, "description": texts.description, "attributes": texts.attributes,
            "gtins": [gtin13(i)], "unit_weight_g": 150 + (i - 1) % 900,
            "dims_mm": {"length_mm": 200, "width_mm": 150, "height_mm": 100}, "price_minor": 10_000 + i * 10}

MOSCOW = (55.75, 37.62)


class ShopError(Exception):
    pass


@dataclass
class Shop:
    base: str
    admin_token: str
    http: requests.Session = field(default_factory=requests.Session)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    _customer_tokens: dict[str, str] = field(default_factory=dict)

    def _call(self, method: str, path: str, token: str | None = None, **kwargs) -> dict | None:
        headers = {"Authorization": f"Bearer {token or self.admin_token}"}
        reply = self.http.request(method, self.base + path, headers=headers, timeout=30, **kwargs)
        if reply.status_code >= 400:
            raise ShopError(f"{method} {path} -> {reply.status_code}: {reply.text[:300]}")
        return reply.json() if reply.content else None

    def open_warehouse(self, warehouse_id: str, token: str, skus: int, pickup_points: int = 12) -> None:
        """Catalog (same SKU ids and GTINs as edge.seeding; names, brands, categories and texts as
        `sklad-central seed` makes them), one warehouse with its sync token, pickup points."""
        self._call("PUT", "/admin/categories", json={"items": [
            {"category_id": c.category_id, "parent_id": c.parent_id, "name": c.name} for c in category_tree()]})
        items = [storefront_item(i) for i in range(1, skus + 1)]
        for start in range(0, len(items), 1000):
            self._call("PUT", "/admin/skus", json={"items": items[start:start + 1000]})
        self._call("PUT", f"/admin/warehouses/{warehouse_id}", json={"name": warehouse_id, "lat": MOSCOW[0],
                                                                     "lon": MOSCOW[1]})
        self._call("PUT", f"/admin/warehouses/{warehouse_id}/token", json={"token": token})
        points = [{"pickup_point_id": f"PVZ-{n:03d}", "name": f"Pickup point {n}",
                   "lat": MOSCOW[0] + self.rng.uniform(-0.2, 0.2), "lon": MOSCOW[1] + self.rng.uniform(-0.3, 0.3)}
                  for n in range(1, pickup_points + 1)]
        self._call("PUT", "/admin/pickup-points", json={"items": points})

    def import_stock(self, warehouse_id: str, on_hand: dict[str, int]) -> None:
        """A stock-take, as head office loads one (later changes come from the warehouse)."""
        self._call("POST", "/admin/stock/import", json={"rows": [
            {"warehouse_id": warehouse_id, "sku": sku, "on_hand": units} for sku, units in on_hand.items()]})

    def search(self, **params: object) -> dict:
        """The storefront search, as a customer's browser calls it (no token)."""
        reply = self.http.get(self.base + "/catalog/search", params=params, timeout=30)
        if reply.status_code >= 400:
            raise ShopError(f"GET /catalog/search -> {reply.status_code}: {reply.text[:300]}")
        return reply.json()

    def customer_token(self, customer: str) -> str:
        if customer not in self._customer_tokens:
            self._customer_tokens[customer] = self._call("POST", f"/admin/customers/{customer}/token")["token"]
        return self._customer_tokens[customer]

    def buy(self, customer: str, lines: dict[str, int], pickup_point: str) -> dict:
        """Place an order and pay for it through the sandbox's 3-D Secure page; returns the paid order."""
        token = self.customer_token(customer)
        order = self._call("POST", "/orders", token, json={
            "idempotency_key": uuid.uuid4().hex, "pickup_point_id": pickup_point,
            "lines": [{"sku": sku, "qty": qty} for sku, qty in lines.items()]})
        payment = order["payment"]
        self._call("POST", f"/sandbox/3ds/{payment['payment_id']}", token, json={"outcome": "approve"})
        return self.order(order["order_id"], customer)

    def order(self, order_id: str, customer: str) -> dict:
        return self._call("GET", f"/orders/{order_id}", self.customer_token(customer))

    def stock(self, warehouse_id: str) -> dict[str, dict]:
        rows = self._call("GET", "/admin/stock", params={"warehouse_id": warehouse_id, "limit": 1000})
        return {r["sku"]: r for r in rows}
