"""A realistic sample network and catalog for demos and benchmarks (deterministic per seed)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from central.bootstrap import Central
from central.services.catalog import (
    Site,
    SkuRecord,
    import_stock,
    upsert_pickup_points,
    upsert_skus,
    upsert_warehouse,
)

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
ADJECTIVES = ["Compact", "Cordless", "Organic", "Stainless", "Wireless", "Kids'", "Thermal",
              "Waterproof", "Ceramic", "Folding", "Smart", "Classic", "Travel", "Cotton"]
NOUNS = ["kettle", "drill", "backpack", "headphones", "frying pan", "T-shirt", "lamp",
         "blender", "umbrella", "notebook", "water bottle", "toy car", "towel", "charger",
         "sneakers", "mug", "vacuum cleaner", "desk", "pillow", "screwdriver set"]
BATCH = 1000


@dataclass(frozen=True)
class SeedSize:
    skus: int = 10_000
    pickup_points: int = 120
    warehouses: int = len(WAREHOUSES)


def ean13(body12: str) -> str:
    """Append the EAN-13 check digit to 12 digits."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body12))
    return body12 + str((10 - total % 10) % 10)


def sample_skus(rng: random.Random, count: int) -> list[SkuRecord]:
    records = []
    for n in range(1, count + 1):
        length, width = rng.randint(50, 800), rng.randint(30, 500)
        records.append(SkuRecord(
            sku=f"SKU-{n:06d}", seller_id=f"seller-{rng.randint(1, 250):03d}",
            name=f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} #{n}",
            gtins=(ean13(f"460{n:09d}"),), unit_weight_g=rng.randint(40, 15_000),
            length_mm=length, width_mm=width, height_mm=rng.randint(10, 400),
            lot_tracked=rng.random() < 0.1, price_minor=rng.randint(99, 99_999) * 100,
        ))
    return records


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
    """Load the sample: warehouses, pickup points, SKUs (with their feed entries), stock."""
    rng = random.Random(seed_value)
    warehouses = WAREHOUSES[:size.warehouses]
    for site in warehouses:
        upsert_warehouse(central, site)
    points = sample_pickup_points(rng, size.pickup_points)
    for i in range(0, len(points), BATCH):
        upsert_pickup_points(central, points[i:i + BATCH])
    skus = sample_skus(rng, size.skus)
    for i in range(0, len(skus), BATCH):
        upsert_skus(central, skus[i:i + BATCH])
    levels = sample_stock(rng, [s.sku for s in skus], [w.site_id for w in warehouses])
    for i in range(0, len(levels), 10 * BATCH):
        import_stock(central, levels[i:i + 10 * BATCH])
    return {"warehouses": len(warehouses), "pickup_points": len(points), "skus": len(skus),
            "stock_rows": len(levels)}
