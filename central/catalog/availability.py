"""Live availability of SKUs at a pickup point, read from the stock view at request time (never
copied into the index), so a hold, release, expiry or warehouse movement shows at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.delivery import nearest_with_stock
from central.catalog.views import AvailabilityView, DeliveryView
from central.db.tables import skus, stock
from central.services.network import Network
from central.stock import available


def held_by_warehouse(sku: sa.ColumnElement[str]) -> sa.ScalarSelect[str]:
    """SQL for one SKU's available units as "warehouse:units,..." (NULL if none): a column the
    search reads with its page of hits, so availability costs no second query."""
    units = sa.cast(available(), sa.String)
    return (sa.select(sa.func.aggregate_strings(stock.c.warehouse_id + ":" + units, ","))
            .where(stock.c.sku == sku, available() > 0).scalar_subquery())


def parse_held(text: str | None) -> dict[str, int]:
    """"wh-1:4,wh-2:7" -> {"wh-1": 4, "wh-2": 7} (warehouse ids have no commas, may have colons)."""
    held = {}
    for item in filter(None, (text or "").split(",")):
        warehouse_id, units = item.rsplit(":", 1)
        held[warehouse_id] = int(units)
    return held


def view(held: Mapping[str, int], network: Network | None, pickup_point_id: str | None) -> AvailabilityView:
    """Every warehouse ships to every pickup point (as checkout routes), so `available` sums them;
    the estimate is from the nearest one holding stock."""
    estimate = None
    if network is not None and pickup_point_id is not None:
        estimate = nearest_with_stock(network.depots, held, network.pickup_points[pickup_point_id])
    return AvailabilityView(pickup_point_id=pickup_point_id, available=sum(held.values()), in_stock=bool(held),
                            delivery=DeliveryView(**estimate.__dict__) if estimate else None)


def read(conn: Connection, sku_ids: Sequence[str], network: Network | None,
         pickup_point_id: str | None) -> dict[str, AvailabilityView]:
    """sku -> its availability, for SKUs read outside a search."""
    rows = dict(conn.execute(sa.select(skus.c.sku, held_by_warehouse(skus.c.sku))
                             .where(skus.c.sku.in_(list(sku_ids)))).all())
    return {sku: view(parse_held(rows.get(sku)), network, pickup_point_id) for sku in sku_ids}
