"""Catalog and network admin: SKUs, warehouses, pickup points, initial stock.

Every SKU change is also put in each warehouse's feed (CatalogUpsert), and a new warehouse
gets the whole catalog in its feed, so edge nodes keep their catalog cache current.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central import feeds, stock
from central.bootstrap import Central
from central.catalog import hooks as catalog_hooks
from central.db.tables import pickup_points, skus, warehouses
from central.db.upsert import upsert
from central.errors import NotFound
from central.stock import StockLevel
from central.tokens import hash_token
from sync.feed import AdvanceShippingNotice, CatalogUpsert, Dims, FeedEntry

SKU_COLUMNS = ("sku", "seller_id", "name", "gtins", "unit_weight_g", "length_mm",
               "width_mm", "height_mm", "lot_tracked", "price_minor", "brand", "category_id",
               "description", "attributes", "images")


@dataclass(frozen=True)
class SkuRecord:
    sku: str
    seller_id: str
    name: str
    gtins: tuple[str, ...]
    unit_weight_g: int
    length_mm: int
    width_mm: int
    height_mm: int
    lot_tracked: bool
    price_minor: int
    # What customers see (storefront search); the edge's catalog cache does not need them.
    brand: str = ""
    category_id: str | None = None
    description: str = ""
    attributes: dict[str, str] = field(default_factory=dict)
    images: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: sa.RowMapping) -> SkuRecord:
        return cls(**(dict(row) | {"gtins": tuple(row["gtins"]), "images": tuple(row["images"])}))

    def as_row(self, now: datetime) -> dict[str, object]:
        row: dict[str, object] = {c: getattr(self, c) for c in SKU_COLUMNS}
        return row | {"gtins": list(self.gtins), "images": list(self.images), "updated_at": now}

    def as_command(self) -> CatalogUpsert:
        return CatalogUpsert(
            sku=self.sku, name=self.name, gtins=list(self.gtins),
            unit_weight_g=self.unit_weight_g, lot_tracked=self.lot_tracked,
            dims_mm=Dims(length_mm=self.length_mm, width_mm=self.width_mm,
                         height_mm=self.height_mm),
        )


@dataclass(frozen=True)
class Site:
    """A warehouse or a pickup point: an id, a name and where it is."""

    site_id: str
    name: str
    lat: float
    lon: float


def upsert_skus(central: Central, records: Sequence[SkuRecord]) -> int:
    now = central.clock()
    with central.db.write() as conn:
        catalog_hooks.before_sku_upsert(conn, records)
        upsert(conn, skus, [r.as_row(now) for r in records], keys=("sku",))
        catalog_hooks.after_sku_upsert(conn, [r.sku for r in records], now)
        commands = [r.as_command() for r in records]
        for warehouse_id in _warehouse_ids(conn):
            feeds.append(conn, warehouse_id, commands, now=now)
    central.catalog_memory.changed_here()  # this worker's searches see it at once, others' within seconds
    return len(records)


def get_sku(central: Central, sku: str) -> SkuRecord:
    with central.db.read() as conn:
        row = conn.execute(sa.select(*[skus.c[c] for c in SKU_COLUMNS])
                           .where(skus.c.sku == sku)).mappings().one_or_none()
    if row is None:
        raise NotFound(f"no SKU {sku} in the catalog", sku=sku)
    return SkuRecord.from_row(row)


def upsert_warehouse(central: Central, site: Site) -> bool:
    """Create or update a warehouse; returns True if it was created (and sent the catalog)."""
    now = central.clock()
    with central.db.write() as conn:
        created = conn.execute(sa.select(warehouses.c.warehouse_id)
                               .where(warehouses.c.warehouse_id == site.site_id)).first() is None
        upsert(conn, warehouses, [{"warehouse_id": site.site_id, "name": site.name,
                                   "lat": site.lat, "lon": site.lon, "updated_at": now}],
               keys=("warehouse_id",))
        if created:
            feeds.open_feed(conn, site.site_id)
            feeds.append(conn, site.site_id, _catalog_commands(conn), now=now)
    central.network.invalidate()
    return created


def list_warehouses(central: Central) -> list[tuple[Site, bool]]:
    """Every warehouse, with whether it has a sync token set."""
    with central.db.read() as conn:
        rows = conn.execute(sa.select(warehouses).order_by(warehouses.c.warehouse_id)).all()
    return [(Site(r.warehouse_id, r.name, r.lat, r.lon), r.token_hash is not None) for r in rows]


def set_warehouse_token(central: Central, warehouse_id: str, token: str) -> None:
    """Store (the hash of) the token the warehouse's sync agent will present."""
    with central.db.write() as conn:
        changed = conn.execute(warehouses.update()
                               .where(warehouses.c.warehouse_id == warehouse_id)
                               .values(token_hash=hash_token(token),
                                       updated_at=central.clock())).rowcount
    if not changed:
        raise NotFound(f"no warehouse {warehouse_id}", warehouse_id=warehouse_id)


def upsert_pickup_points(central: Central, sites: Sequence[Site]) -> int:
    now = central.clock()
    with central.db.write() as conn:
        upsert(conn, pickup_points, [{"pickup_point_id": s.site_id, "name": s.name,
                                      "lat": s.lat, "lon": s.lon, "updated_at": now}
                                     for s in sites], keys=("pickup_point_id",))
    central.network.invalidate()
    return len(sites)


def get_pickup_point(central: Central, pickup_point_id: str) -> Site:
    with central.db.read() as conn:
        row = conn.execute(sa.select(pickup_points)
                           .where(pickup_points.c.pickup_point_id == pickup_point_id)).first()
    if row is None:
        raise NotFound(f"no pickup point {pickup_point_id}", pickup_point_id=pickup_point_id)
    return Site(row.pickup_point_id, row.name, row.lat, row.lon)


def import_stock(central: Central, levels: Sequence[tuple[str, str, int]]) -> int:
    """Set on_hand for (warehouse_id, sku, on_hand) rows: initial stock from a stock-take."""
    with central.db.write() as conn:
        return stock.set_on_hand(conn, levels, now=central.clock())


def stock_levels(central: Central, warehouse_id: str | None, sku: str | None,
                 limit: int) -> list[StockLevel]:
    with central.db.read() as conn:
        return stock.list_levels(conn, warehouse_id=warehouse_id, sku=sku, limit=limit)


def read_feed(central: Central, warehouse_id: str, after: int, limit: int
              ) -> tuple[int, list[FeedEntry]]:
    """(last seq in the feed, entries after the cursor)."""
    with central.db.read() as conn:
        return feeds.last_seq(conn, warehouse_id), feeds.read(conn, warehouse_id, after, limit)


def _warehouse_ids(conn: Connection) -> list[str]:
    return list(conn.execute(sa.select(warehouses.c.warehouse_id)
                             .order_by(warehouses.c.warehouse_id)).scalars())


def _catalog_commands(conn: Connection) -> list[CatalogUpsert]:
    rows = conn.execute(sa.select(*[skus.c[c] for c in SKU_COLUMNS]).order_by(skus.c.sku))
    return [SkuRecord.from_row(r).as_command() for r in rows.mappings()]


def announce_inbound(central: Central, asn: AdvanceShippingNotice) -> int:
    """Put an advance shipping notice into its warehouse's feed; returns its feed_seq.

    The edge records the lines as expected receipts (announcing the same ASN again replaces
    its quantities there), and counts what the receiving dock books against them.
    """
    with central.db.write() as conn:
        stock.check_known(conn, {asn.warehouse_id}, {line.sku for line in asn.lines})
        (seq,) = feeds.append(conn, asn.warehouse_id, [asn], now=central.clock())
    return seq
