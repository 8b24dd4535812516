"""The demo's storefront step against a real `sklad-central serve`: the demo's catalog is
searchable by its product nouns, and the units a customer buys leave the next search's count."""

from __future__ import annotations

from pathlib import Path

import pytest
from support_serve import ADMIN, serving

from simulators.demo_storefront import find_and_buy
from simulators.shop import Shop

pytestmark = pytest.mark.e2e
SKUS = 60


def test_a_customer_finds_a_product_buys_it_and_the_next_search_shows_it(tmp_path: Path) -> None:
    with serving(f"sqlite:///{tmp_path / 'central.db'}", tmp_path / "serve.log", workers=1) as base:
        shop = Shop(base, ADMIN)
        shop.open_warehouse("WH-1", "wh-token-" + "0123456789abcdef" * 2, SKUS)
        shop.import_stock("WH-1", {f"SKU-{i:06d}": 10 for i in range(1, SKUS + 1)})
        (order_id, customer), rows = find_and_buy(shop, "customer-0", SKUS)
        assert shop.order(order_id, customer)["status"] == "PAID"
    report = dict(rows)
    assert "first SKU-" in report["storefront search"] and "10 available" in report["storefront search"]
    assert report["live availability"].endswith(": 10 → 8 after a customer bought 2")
