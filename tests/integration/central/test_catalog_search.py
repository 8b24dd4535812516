"""Storefront search on both databases: relevance, word forms, typos, filters, item and tree."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from support_catalog import ITEMS, load_catalog

from central.bootstrap import Central


@pytest.fixture
def shop(client: TestClient, network: Central, admin_headers: dict[str, str]) -> TestClient:
    load_catalog(client, admin_headers)
    return client


def search(client: TestClient, **params: object) -> dict:
    resp = client.get("/catalog/search", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()


def skus(page: dict) -> list[str]:
    return [h["sku"] for h in page["hits"]]


def test_an_exact_name_ranks_first(shop: TestClient) -> None:
    page = search(shop, q="КРОССОВКИ")
    assert skus(page)[0] == "RUN-2"
    assert {"RUN-1", "RUN-2"} <= set(skus(page))


def test_russian_word_forms_find_each_other(shop: TestClient) -> None:
    assert "LACE-1" in skus(search(shop, q="кроссовки"))  # the name says «кроссовок»
    assert {"RUN-1", "RUN-2", "LACE-1"} <= set(skus(search(shop, q="кроссовок")))
    assert skus(search(shop, q="зимний ботинок")) == ["BOOT-1"]
    assert skus(search(shop, q="наушник")) == ["HP-1"]  # the description says «наушники»
    assert skus(search(shop, q="чёрные")) == ["RUN-1"]  # an attribute value, ё or е


def test_english_word_forms_brand_and_attributes(shop: TestClient) -> None:
    assert skus(search(shop, q="headphone")) == ["HP-1"]
    assert skus(search(shop, q="nike")) == ["RUN-1"]
    assert skus(search(shop, q="sony black")) == ["HP-1"]
    assert skus(search(shop, q="bosch")) == ["KET-1"]


def test_every_word_must_match(shop: TestClient) -> None:
    assert skus(search(shop, q="кроссовки nike")) == ["RUN-1"]
    mixed = search(shop, q="кроссовки bosch")
    assert mixed["total"] == 0 or mixed["near_match"]  # PostgreSQL offers the closest names
    filtered_out = search(shop, q="кроссовки", brand="Bosch")
    assert (filtered_out["total"], filtered_out["near_match"]) == (0, False)  # the words do match


def test_a_one_letter_typo_still_finds_the_item(shop: TestClient, db_url: str) -> None:
    if db_url.startswith("sqlite"):
        pytest.skip("typo tolerance is PostgreSQL's (pg_trgm); SQLite FTS5 matches words only")
    page = search(shop, q="кросовки")
    assert page["near_match"] is True
    assert {"RUN-1", "RUN-2"} <= set(skus(page))
    assert search(shop, q="наушники")["near_match"] is False
    assert skus(search(shop, q="Электрочайнек"))[0] == "KET-1"


def test_filters_sort_and_paging(shop: TestClient) -> None:
    assert set(skus(search(shop, category="shoes"))) == {"RUN-1", "RUN-2", "LACE-1", "BOOT-1"}
    assert set(skus(search(shop, category="sneakers"))) == {"RUN-1", "RUN-2"}
    assert skus(search(shop, q="кроссовки", brand="Nike")) == ["RUN-1"]
    assert skus(search(shop, price_min=2_490_00, price_max=7_990_00, sort="price_asc")) == ["KET-1", "RUN-2", "RUN-1"]
    assert skus(search(shop, category="shoes", sort="price_desc")) == ["BOOT-1", "RUN-1", "RUN-2", "LACE-1"]
    first = search(shop, category="shoes", sort="price_asc", page_size=3)
    second = search(shop, category="shoes", sort="price_asc", page_size=3, page=2)
    assert first["total"] == second["total"] == 4
    assert skus(first) + skus(second) == ["LACE-1", "RUN-2", "RUN-1", "BOOT-1"]
    assert skus(search(shop, sort="new", page_size=1))  # newest first without text


def test_facets_on_a_small_catalog(shop: TestClient) -> None:
    facets = search(shop, q="кроссовки")["facets"]
    assert {b["value"]: b["count"] for b in facets["categories"]} == {"sneakers": 2, "shoes": 1}
    assert {b["value"]: b["count"] for b in facets["brands"]} == {"Nike": 1, "Adidas": 1, "Laces & Co": 1}
    bands = {(b["min_minor"], b["max_minor"]): b["count"] for b in facets["price_bands"]}
    assert bands == {(0, 500_00): 1, (2_500_00, 5_000_00): 1, (5_000_00, 10_000_00): 1}


def test_item_and_category_tree(shop: TestClient) -> None:
    item = shop.get("/catalog/items/RUN-1").json()
    assert item["category_path"] == ["shoes", "sneakers"]
    assert item["attributes"] == {"цвет": "чёрный", "size": "42"}
    assert item["images"] == ["https://img.example.com/RUN-1.jpg"]
    tree = shop.get("/catalog/categories").json()
    assert [c["category_id"] for c in tree][:3] == ["electronics", "headphones", "kitchen"]
    assert {c["category_id"]: c["path"] for c in tree}["boots"] == "shoes/boots"
    assert shop.get("/catalog/items/NOPE").status_code == 404


def test_upsert_changes_search_at_once(shop: TestClient, admin_headers: dict[str, str]) -> None:
    renamed = dict(ITEMS[5], name="Чайник электрический Bosch")
    assert shop.put("/admin/skus", json={"items": [renamed]}, headers=admin_headers).status_code == 200
    assert skus(search(shop, q="электрический чайник")) == ["KET-1"]
    assert skus(search(shop, q="электрочайник")) == [] or search(shop, q="электрочайник")["near_match"]


def test_bad_catalog_input_is_refused_with_reasons(shop: TestClient, admin_headers: dict[str, str]) -> None:
    bad = dict(ITEMS[0], sku="X-1", category_id="no-such")
    resp = shop.put("/admin/skus", json={"items": [bad]}, headers=admin_headers)
    assert resp.status_code == 422 and "no-such" in resp.json()["error"]["message"]
    loop = shop.put("/admin/categories", json={"items": [{"category_id": "shoes", "parent_id": "sneakers",
                                                          "name": "Обувь"}]}, headers=admin_headers)
    assert loop.status_code == 422 and "loop" in loop.json()["error"]["message"]
    orphan = shop.put("/admin/categories", json={"items": [{"category_id": "x", "parent_id": "nowhere",
                                                            "name": "X"}]}, headers=admin_headers)
    assert orphan.status_code == 422
    swapped = shop.get("/catalog/search", params={"price_min": 500, "price_max": 100})
    assert swapped.status_code == 422 and "price_min" in swapped.json()["error"]["message"]
    assert shop.get("/catalog/search", params={"pickup_point": "pp-nowhere"}).status_code == 404
    assert shop.put("/admin/categories", json={"items": [{"category_id": "a", "name": "A"}]}).status_code == 401


HOSTILE = ["' OR 1=1 --", '"unterminated', "NEAR(a b)", "a AND OR NOT", "*", "^кроссовки", "col:val",
           "(((", ")", "!!!", "&|!<->:*", "\\", "%_%", "😀 кроссовки", "a" * 200, "и", "-", "'; DROP TABLE skus; --",
           "кроссовки" * 22, "\u200b", "ﬁ", "İ"]


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_queries_get_results_or_a_4xx(shop: TestClient, q: str) -> None:
    resp = shop.get("/catalog/search", params={"q": q})
    assert resp.status_code == 200 or 400 <= resp.status_code < 500, (q, resp.text)
    assert "error" in resp.json() or "hits" in resp.json()


@pytest.mark.parametrize("q", ["a" * 201, "кроссовки\x00", "tab\there", "line\nbreak", "\x1b[31m"])
def test_overlong_and_control_character_queries_are_422(shop: TestClient, q: str) -> None:
    resp = shop.get("/catalog/search", params={"q": q})
    assert resp.status_code == 422, resp.text
    assert resp.json()["error"]["code"] == "validation_failed"
