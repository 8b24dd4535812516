"""The demo's storefront: a customer finds a product by search, with its availability at their
pickup point, buys it, and the next search shows the units it holds gone."""

from __future__ import annotations

from central.catalog.generator import LEAVES, product
from simulators.shop import CATALOG_SEED, Shop

PICKUP_POINT = "PVZ-001"


def find_and_buy(shop: Shop, customer: str, skus: int) -> tuple[tuple[str, str], list[tuple[str, object]]]:
    """Search the product noun of the first SKU's kind, buy two of the first hit in stock; returns
    the order (order id, customer) and the report's rows."""
    listed = product(CATALOG_SEED, 1)
    word = next(leaf.noun for leaf in LEAVES if leaf.category_id == listed.category_id)
    found = shop.search(q=word, pickup_point=PICKUP_POINT, in_stock="true")
    hit = found["hits"][0]
    before = hit["availability"]["available"]
    order = shop.buy(customer, {hit["sku"]: 2}, PICKUP_POINT)
    after = next(h for h in shop.search(q=word, pickup_point=PICKUP_POINT, page_size=100)["hits"]
                 if h["sku"] == hit["sku"])["availability"]["available"]
    delivery = hit["availability"]["delivery"]
    eta = f"delivery in {delivery['days']} day(s)" if delivery else "no delivery estimate"
    brands = len(found["facets"]["brands"])
    rows = [("storefront search", f"«{word}» at {PICKUP_POINT}: {found['total']} in stock of {skus} SKUs, "
                                  f"{brands} brands; first {hit['sku']} «{hit['name']}», {before} available, {eta}"),
            ("live availability", f"{hit['sku']}: {before} → {after} after a customer bought 2")]
    return (order["order_id"], customer), rows

