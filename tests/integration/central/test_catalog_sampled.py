"""Broad searches on PostgreSQL: past `sample` hits the total and facets are estimates (flagged),
relevance ranks the sample, and price order is still exact over every hit.

The sample is made small (40) so a catalog of a few hundred SKUs is "broad"."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support_catalog import item, load_catalog

from central.bootstrap import Central
from central.catalog import service
from central.catalog.postgres import PostgresIndex

pytestmark = pytest.mark.postgres
SAMPLE = 40
LAMPS = 300


@pytest.fixture
def db_url(pg_db_url: str) -> str:  # PostgreSQL only: SQLite's index always counts exactly
    return pg_db_url


@pytest.fixture
def catalog(client: TestClient, central: Central, admin_headers: dict[str, str],
            monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    index = PostgresIndex(sample=SAMPLE)
    monkeypatch.setattr(service, "index_for", lambda _dialect: index)
    lamps = [item(f"L-{n:03d}", f"Лампа настольная {n}", ["Ikea", "Xiaomi"][n % 2],
                  ["kitchen", "headphones"][n % 3 == 0], 1_000_00 + 17_00 * ((n * 37) % LAMPS))
             for n in range(LAMPS)]
    lamps.append(item("L-CHEAP", "Лампа ночник", "Ikea", "kitchen", 5_00))  # stored last: past the sample
    kettles = [item(f"K-{n:02d}", f"Чайник {n}", "Bosch", "kitchen", 2_000_00 + n) for n in range(12)]
    kettles.append(item("DRILL-1", "Дрель Huawei GA-258", "Huawei", "kitchen", 5_000_00))
    load_catalog(client, admin_headers, lamps[:150])
    load_catalog(client, admin_headers, kettles + lamps[150:])
    # A catalog at rest (what autovacuum leaves): no blocks of dead rows from the set-up, which
    # would skew an estimate that assumes hits spread evenly through storage.
    with central.db.autocommit() as pg:
        pg.execute("VACUUM FULL skus")
    return lamps


def search(client: TestClient, **params: object) -> dict:
    resp = client.get("/catalog/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_a_narrow_search_is_exact(client: TestClient, catalog: list[dict]) -> None:
    page = search(client, q="чайник")
    assert page["exact"] is True and page["total"] == 12
    assert sum(b["count"] for b in page["facets"]["brands"]) == 12


def test_a_broad_search_estimates_its_counts_and_says_so(client: TestClient, catalog: list[dict]) -> None:
    page = search(client, q="лампа")
    assert page["exact"] is False
    assert len(catalog) / 1.5 <= page["total"] <= len(catalog) * 1.5
    brands = {b["value"]: b["count"] for b in page["facets"]["brands"]}
    assert set(brands) == {"Ikea", "Xiaomi"}
    assert abs(sum(brands.values()) - page["total"]) <= len(brands)  # scaled, rounded per bucket
    assert all("Лампа" in h["name"] for h in page["hits"]) and len(page["hits"]) == 20


def test_price_order_covers_every_hit_not_only_the_sample(client: TestClient, catalog: list[dict]) -> None:
    cheapest = search(client, q="лампа", sort="price_asc", page_size=5)
    assert cheapest["hits"][0]["sku"] == "L-CHEAP"
    priciest = search(client, q="лампа", sort="price_desc", page_size=3)
    top = sorted(catalog, key=lambda i: (-int(i["price_minor"]), i["sku"]))[:3]
    assert [h["sku"] for h in priciest["hits"]] == [i["sku"] for i in top]


def test_relevance_pages_past_the_sample_rank_every_hit(client: TestClient, catalog: list[dict]) -> None:
    seen = set()
    for page in range(1, 6):  # pages 3-5 lie past the 40-hit sample
        hits = search(client, q="лампа", page=page, page_size=20)["hits"]
        assert len(hits) == 20
        seen |= {h["sku"] for h in hits}
    assert len(seen) >= 90  # the deep pages are not the sample's again


def test_filters_narrowing_a_broad_word_make_it_exact(client: TestClient, catalog: list[dict]) -> None:
    page = search(client, q="лампа", brand="Xiaomi", category="headphones", price_max=2_000_00)
    expected = [i for i in catalog if i["brand"] == "Xiaomi" and i["category_id"] == "headphones"
                and int(i["price_minor"]) <= 2_000_00]
    assert 0 < len(expected) <= SAMPLE
    assert page["exact"] is True and page["total"] == len(expected)





def test_a_whole_name_is_found_by_name_and_a_long_miss_is_not_guessed(client: TestClient, catalog: list[dict]) -> None:
    # The model code splits into other words than the name's index holds ('-258'): the words find
    # nothing, and the name itself is looked up.
    named = search(client, q="Дрель Huawei GA-258")
    assert [h["sku"] for h in named["hits"]] == ["DRILL-1"] and named["near_match"] is True
    assert search(client, q="Дрель Huawei GA-259")["total"] == 0  # no similarity over four words
    assert [h["sku"] for h in search(client, q="Дрелль")["hits"]] == ["DRILL-1"]  # one word: a typo
