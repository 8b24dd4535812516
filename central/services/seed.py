"""A realistic sample network and catalog for demos and benchmarks (deterministic per seed).

The catalog comes from central/catalog/generator.py and is written in bulk: on PostgreSQL with
COPY into staging tables then one upsert per chunk, on SQLite with batched upserts. Each
warehouse's feed gets a catalog entry for every SKU it stocks, as its edge node needs them.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central import feeds
from central.bootstrap import Central
from central.catalog import hooks as catalog_hooks
from central.catalog import revision, schema
from central.catalog.generator import Product, category_tree, product
from central.catalog.service import upsert_categories
from central.db.tables import feed_counters, skus, stock
from central.db.types import naive_utc
from central.db.upsert import upsert
from central.services.catalog import Site, upsert_pickup_points, upsert_warehouse
from sync.feed import CatalogUpsert, Dims

WAREHOUSES = [
    Site("msk-podolsk", "Podolsk fulfilment centre", 55.431, 37.545),
    Site("spb-shushary", "Shushary fulfilment centre", 59.800, 30.384),
    Site("kzn-zelenodolsk", "Zelenodolsk fulfilment centre", 55.846, 48.518),
    Site("ekb-koltsovo", "Koltsovo fulfilment centre", 56.752, 60.804),
    Site("nsk-tolmachevo", "Tolmachevo fulfilment centre", 55.011, 82.650),
    Site("krd-adygeysk", "Adygeysk fulfilment centre", 44.884, 39.190),
]
CITIES = [
    ("Moscow", 55.756, 37.617), ("Saint Petersburg", 59.939, 30.316), ("Kazan", 55.796, 49.108),
    ("Yekaterinburg", 56.838, 60.597), ("Novosibirsk", 55.030, 82.920),
    ("Krasnodar", 45.035, 38.975), ("Nizhny Novgorod", 56.327, 44.006),
    ("Samara", 53.195, 50.100), ("Rostov-on-Don", 47.222, 39.720), ("Voronezh", 51.661, 39.200),
    ("Perm", 58.010, 56.229), ("Ufa", 54.735, 55.959), ("Chelyabinsk", 55.160, 61.403),
    ("Omsk", 54.989, 73.368), ("Volgograd", 48.708, 44.513), ("Tver", 56.859, 35.912),
]
BATCH = 1000
CHUNK = 20_000  # SKUs per transaction
SKU_FIELDS = ("sku", "seller_id", "name", "gtins", "unit_weight_g", "length_mm", "width_mm", "height_mm",
              "lot_tracked", "price_minor", "updated_at", "brand", "category_id", "description", "attributes",
              "images", "created_at", "catalog_rev")


@dataclass(frozen=True)
class SeedSize:
    skus: int = 10_000
    pickup_points: int = 120
    warehouses: int = len(WAREHOUSES)


def sample_pickup_points(rng: random.Random, count: int) -> list[Site]:
    return [
        Site(f"pvz-{n:04d}", f"{city} pickup point {n}",
             round(lat + rng.uniform(-0.12, 0.12), 5), round(lon + rng.uniform(-0.2, 0.2), 5))
        for n, (city, lat, lon) in ((n, CITIES[n % len(CITIES)]) for n in range(1, count + 1))
    ]


def sample_stock(rng: random.Random, sku_ids: list[str], warehouse_ids: list[str]
                 ) -> list[tuple[str, str, int]]:
    """Each SKU in 2-4 warehouses (fewer if fewer exist), 0-400 units each."""
    levels = []
    for sku in sku_ids:
        for wh in rng.sample(warehouse_ids, min(len(warehouse_ids), rng.randint(2, 4))):
            levels.append((wh, sku, rng.randint(0, 400)))
    return levels


def seed(central: Central, size: SeedSize, seed_value: int = 1) -> dict[str, int]:
    """Load the sample: warehouses, pickup points, the category tree, SKUs, stock and feeds."""
    rng = random.Random(seed_value)
    warehouses = [w.site_id for w in WAREHOUSES[:size.warehouses]]
    for site in WAREHOUSES[:size.warehouses]:
        upsert_warehouse(central, site)
    points = sample_pickup_points(rng, size.pickup_points)
    for i in range(0, len(points), BATCH):
        upsert_pickup_points(central, points[i:i + BATCH])
    upsert_categories(central, category_tree())
    now, stock_rows = central.clock(), 0
    with _search_indexes_built_at_the_end(central):
        for start in range(1, size.skus + 1, CHUNK):
            products = [product(seed_value, n) for n in range(start, min(start + CHUNK, size.skus + 1))]
            levels = sample_stock(rng, [p.sku for p in products], warehouses)
            with central.db.write() as conn:
                _write_skus(conn, products, now)
                _write_stock(conn, levels, now)
                _write_feeds(conn, products, levels, now)
            stock_rows += len(levels)
    return {"warehouses": len(warehouses), "pickup_points": len(points), "skus": size.skus,
            "stock_rows": stock_rows}


@contextmanager
def _search_indexes_built_at_the_end(central: Central) -> Iterator[None]:
    """PostgreSQL, empty catalog: load without the GIN indexes and build them once (several
    times faster than keeping them current row by row). Built again however the load ends."""
    with central.db.read() as conn:
        fresh = central.db.is_postgres and conn.execute(sa.select(skus.c.sku).limit(1)).first() is None
    if not fresh:
        yield
        return
    with central.db.write() as conn:
        schema.drop_pg_indexes(conn)
    try:
        yield
    finally:
        with central.db.write() as conn:
            conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
            schema.create_pg_indexes(conn)


def _sku_row(p: Product, now: datetime, rev: int) -> dict[str, Any]:
    length, width, height = p.dims_mm
    return {"sku": p.sku, "seller_id": p.seller_id, "name": p.name, "gtins": [p.gtin], "unit_weight_g": p.weight_g,
            "length_mm": length, "width_mm": width, "height_mm": height, "lot_tracked": False,
            "price_minor": p.price_minor, "updated_at": now, "brand": p.brand, "category_id": p.category_id,
            "description": p.description, "attributes": p.attributes, "images": [],
            "created_at": now - timedelta(days=p.age_days), "catalog_rev": rev}


def _write_skus(conn: Connection, products: Sequence[Product], now: datetime) -> None:
    rev = revision.bump(conn)
    rows = [_sku_row(p, now, rev) for p in products]
    if conn.dialect.name != "postgresql":
        upsert(conn, skus, rows, keys=("sku",))
        catalog_hooks.after_sku_upsert(conn, [p.sku for p in products], now)
        return
    json_fields = {"gtins", "attributes", "images"}
    _copy_upsert(conn, "skus", SKU_FIELDS, (
        [orjson.dumps(r[c]).decode() if c in json_fields else _pg(r[c]) for c in SKU_FIELDS] for r in rows),
        keys=("sku",), keep=("created_at",))


def _write_stock(conn: Connection, levels: Sequence[tuple[str, str, int]], now: datetime) -> None:
    if conn.dialect.name != "postgresql":
        upsert(conn, stock, [{"warehouse_id": w, "sku": s, "on_hand": q, "updated_at": now} for w, s, q in levels],
               keys=("warehouse_id", "sku"))
        return
    fields = ("warehouse_id", "sku", "on_hand", "updated_at")
    _copy_upsert(conn, "stock", fields, ([w, s, q, naive_utc(now)] for w, s, q in levels),
                 keys=("warehouse_id", "sku"))


def _write_feeds(conn: Connection, products: Sequence[Product], levels: Sequence[tuple[str, str, int]],
                 now: datetime) -> None:
    by_sku = {p.sku: p for p in products}
    stocked: dict[str, list[str]] = {}
    for warehouse_id, sku, _ in levels:
        stocked.setdefault(warehouse_id, []).append(sku)
    for warehouse_id, sku_ids in sorted(stocked.items()):
        commands = [_command(by_sku[s]) for s in sku_ids]
        if conn.dialect.name != "postgresql":
            feeds.append(conn, warehouse_id, commands, now=now)
            continue
        last = conn.execute(feed_counters.update().where(feed_counters.c.warehouse_id == warehouse_id)
                            .values(last_seq=feed_counters.c.last_seq + len(commands))
                            .returning(feed_counters.c.last_seq)).scalar_one()
        first = last - len(commands) + 1
        _copy(conn, "feed", ("warehouse_id", "feed_seq", "command_type", "payload", "created_at"), (
            [warehouse_id, first + i, cmd.type, cmd.model_dump_json(), naive_utc(now)]
            for i, cmd in enumerate(commands)))


def _command(p: Product) -> CatalogUpsert:
    length, width, height = p.dims_mm
    return CatalogUpsert(sku=p.sku, name=p.name, gtins=[p.gtin], unit_weight_g=p.weight_g, lot_tracked=False,
                         dims_mm=Dims(length_mm=length, width_mm=width, height_mm=height))


def _pg(value: object) -> object:
    return naive_utc(value) if isinstance(value, datetime) else value


def _copy(conn: Connection, table: str, fields: Sequence[str], rows: Any) -> None:
    cursor = conn.connection.driver_connection.cursor()  # psycopg 3
    with cursor.copy(f"COPY {table} ({', '.join(fields)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _copy_upsert(conn: Connection, table: str, fields: Sequence[str], rows: Any, keys: Sequence[str],
                 keep: Sequence[str] = ()) -> None:
    """COPY into a staging table, then one INSERT ... ON CONFLICT into `table` (re-seeding updates
    rows in place); columns in `keep` keep their value on existing rows."""
    staging = f"seed_{table}"
    conn.exec_driver_sql(f"CREATE TEMP TABLE IF NOT EXISTS {staging} "
                         f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS")
    _copy(conn, staging, fields, rows)
    columns = ", ".join(fields)
    updates = ", ".join(f"{c} = excluded.{c}" for c in fields if c not in keys and c not in keep)
    conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} "
                         f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}")
    conn.exec_driver_sql(f"DELETE FROM {staging}")
