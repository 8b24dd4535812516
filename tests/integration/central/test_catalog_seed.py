"""`sklad-central seed`: a generated catalog (tree, brands, Russian and English texts,
attributes) that search finds, loaded in bulk on both databases; seeding again updates in place."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi.testclient import TestClient

from central.bootstrap import Central
from central.catalog.generator import LEAVES, TOP, product
from central.db.tables import feed, skus, stock
from central.services.seed import SeedSize, seed

SIZE = SeedSize(skus=400, pickup_points=8, warehouses=3)


def counts(central: Central) -> tuple[int, int, int]:
    with central.db.read() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                     for t in (skus, stock, feed))


def test_seed_loads_a_catalog_search_can_use(central: Central, client: TestClient) -> None:
    loaded = seed(central, SIZE, seed_value=3)
    assert loaded == {"warehouses": 3, "pickup_points": 8, "skus": 400, "stock_rows": loaded["stock_rows"]}
    n_skus, n_stock, n_feed = counts(central)
    assert (n_skus, n_stock) == (400, loaded["stock_rows"])
    assert n_feed == n_stock  # each warehouse is sent the catalog entries of what it stocks
    assert len(client.get("/catalog/categories").json()) == len(TOP) + len(LEAVES)
    sample = product(3, 123)
    page = client.get("/catalog/search", params={"q": sample.name, "pickup_point": "pvz-0001"}).json()
    assert page["hits"][0]["sku"] == sample.sku == "SKU-000123"
    item = client.get(f"/catalog/items/{sample.sku}").json()
    assert item["attributes"] == sample.attributes and item["description"] == sample.description
    assert item["category_path"][-1] == sample.category_id
    browse = client.get("/catalog/search", params={"category": "shoes", "page_size": 1}).json()
    assert browse["total"] == sum(f["count"] for f in browse["facets"]["categories"]) > 0

    again = seed(central, SIZE, seed_value=3)
    assert counts(central)[:2] == (400, again["stock_rows"])
