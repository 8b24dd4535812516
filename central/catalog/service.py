"""Catalog handlers for the storefront: search, one item, the category tree."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from central.bootstrap import Central
from central.catalog import availability, categories
from central.catalog.categories import Category
from central.catalog.compiled import statements_for
from central.catalog.index import Batches, Fetch, index_for
from central.catalog.query import PRICE_BANDS, SearchQuery
from central.catalog.reads import Reader
from central.catalog.search import Facets, find
from central.catalog.views import (
    Bucket,
    CategoryView,
    FacetsView,
    HitView,
    ItemView,
    PriceBandBucket,
    SearchPageView,
)
from central.db.engine import Database
from central.db.tables import categories as category_table
from central.db.tables import skus
from central.errors import NotFound
from central.services.network import Network

BATCH_ROWS = 50_000


def search(central: Central, query: SearchQuery) -> SearchPageView:
    network = _network(central, query.pickup_point)
    with _reader(central.db) as reader:
        found = find(central.catalog_memory, reader, query)
    hits = [HitView(sku=h.sku, name=h.name, brand=h.brand, category_id=h.category_id, price_minor=h.price_minor,
                    availability=availability.view(availability.parse_held(h.held), network, query.pickup_point))
            for h in found.hits]
    return SearchPageView(total=found.facets.total, page=query.page, page_size=query.page_size,
                          sort=str(query.order), near_match=found.facets.near, exact=found.facets.exact, hits=hits,
                          facets=_facets(found.facets))


def read_catalog(central: Central) -> int:
    """Read the catalog's columns into this worker's memory now (a worker does at start-up, so
    its first search does not wait for them); returns how many SKUs."""
    with _reader(central.db) as reader:
        return central.catalog_memory.columns(reader).size


@contextmanager
def _reader(db: Database) -> Iterator[Reader]:
    dialect = db.engine.dialect
    with _fetcher(db) as (fetch, batches):
        yield Reader(index_for(dialect.name), statements_for(dialect), fetch, batches)


@contextmanager
def _fetcher(db: Database) -> Iterator[tuple[Fetch, Batches]]:
    """Runs search statements as driver SQL: on PostgreSQL an autocommit psycopg connection
    (one round trip a statement), on SQLite a read transaction. `Batches` hands a large result
    over a batch of rows at a time (the whole catalog's columns: 1,000,000 rows as Python tuples
    at once would cost a worker ~300 MB it never gets back).

    Never server-side prepared: a prepared statement soon runs a generic plan, blind to how many
    SKUs a word or a list of SKUs selects."""
    if db.is_postgres:
        with db.autocommit() as pg:
            yield (lambda sql, params: pg.execute(sql, params, prepare=False).fetchall(),
                   lambda sql, params: _pg_batches(pg, sql, params))
    else:
        with db.read() as conn:
            yield (lambda sql, params: list(conn.exec_driver_sql(sql, params)),
                   lambda sql, params: _in_batches(conn.exec_driver_sql(sql, params)))


def _pg_batches(pg: Any, sql: str, params: Any) -> Iterator[list[tuple]]:
    """A server-side cursor: the driver too holds one batch at a time, not the whole result."""
    with pg.transaction(), pg.cursor(name="catalog_batches") as cursor:
        cursor.execute(sql, params)
        yield from _in_batches(cursor)


def _in_batches(cursor: Any) -> Iterator[list[tuple]]:
    while batch := cursor.fetchmany(BATCH_ROWS):
        yield [tuple(row) for row in batch]


def _facets(found: Facets) -> FacetsView:
    def buckets(counts: dict[str, int]) -> list[Bucket]:
        return [Bucket(value=v, count=n) for v, n in sorted(counts.items(), key=lambda i: (-i[1], i[0]))]

    bands = [PriceBandBucket(min_minor=b.min_minor, max_minor=b.max_minor, count=found.price_bands[b.index])
             for b in PRICE_BANDS if b.index in found.price_bands]
    return FacetsView(categories=buckets(found.categories), brands=buckets(found.brands), price_bands=bands)


def item(central: Central, sku: str, pickup_point: str | None) -> ItemView:
    network = _network(central, pickup_point)
    with central.db.read() as conn:
        row = conn.execute(sa.select(skus).where(skus.c.sku == sku)).mappings().one_or_none()
        if row is None:
            raise NotFound(f"no SKU {sku} in the catalog", sku=sku)
        stock = availability.read(conn, [sku], network, pickup_point)[sku]
        path = _category_path(conn, row["category_id"])
    return ItemView(sku=sku, name=row["name"], brand=row["brand"], category_id=row["category_id"],
                    category_path=path, description=row["description"], attributes=row["attributes"],
                    images=row["images"], gtins=row["gtins"], price_minor=row["price_minor"],
                    availability=stock)


def category_tree(central: Central) -> list[CategoryView]:
    with central.db.read() as conn:
        return [CategoryView(**c.__dict__) for c in categories.read_all(conn)]


def upsert_categories(central: Central, incoming: Sequence[Category]) -> int:
    with central.db.write() as conn:
        count = categories.write(conn, incoming, central.clock())
    central.catalog_memory.changed_here()  # a moved subtree changes what a category filter counts
    return count


def _category_path(conn: sa.Connection, category_id: str | None) -> list[str]:
    if category_id is None:
        return []
    path = conn.execute(sa.select(category_table.c.path)
                        .where(category_table.c.category_id == category_id)).scalar_one_or_none()
    return path.split("/") if path else []


def _network(central: Central, pickup_point: str | None) -> Network | None:
    if pickup_point is None:
        return None
    network = central.network.get(central.db, pickup_point)
    if pickup_point not in network.pickup_points:
        raise NotFound(f"no pickup point {pickup_point}", pickup_point_id=pickup_point)
    return network
