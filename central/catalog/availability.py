"""Live availability of SKUs at a pickup point, read from the stock view at request time (never
copied into the index), so a hold, release, expiry or warehouse movement shows at once."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from central import stock
from central.catalog.delivery import nearest_with_stock
from central.catalog.views import AvailabilityView, DeliveryView
from central.services.network import Network


def read(conn: Connection, sku_ids: Sequence[str], network: Network | None,
         pickup_point_id: str | None) -> dict[str, AvailabilityView]:
    """sku -> its availability. Every warehouse ships to every pickup point (as checkout
    routes), so `available` sums them; the estimate is from the nearest one holding stock."""
    by_sku: dict[str, dict[str, int]] = {}
    for warehouse_id, levels in stock.availability(conn, sku_ids).items():
        for sku, units in levels.items():
            by_sku.setdefault(sku, {})[warehouse_id] = units
    result = {}
    for sku in sku_ids:
        held = by_sku.get(sku, {})
        estimate = None
        if network is not None and pickup_point_id is not None:
            estimate = nearest_with_stock(network.depots, held, network.pickup_points[pickup_point_id])
        result[sku] = AvailabilityView(
            pickup_point_id=pickup_point_id, available=sum(held.values()), in_stock=bool(held),
            delivery=DeliveryView(**estimate.__dict__) if estimate else None)
    return result
