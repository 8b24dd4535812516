"""A small storefront catalog for the catalog tests, loaded through the admin API."""

from __future__ import annotations

from fastapi.testclient import TestClient

CATEGORIES = [
    {"category_id": "shoes", "name": "Обувь"},
    {"category_id": "sneakers", "parent_id": "shoes", "name": "Кроссовки"},
    {"category_id": "boots", "parent_id": "shoes", "name": "Ботинки"},
    {"category_id": "electronics", "name": "Электроника"},
    {"category_id": "headphones", "parent_id": "electronics", "name": "Наушники"},
    {"category_id": "kitchen", "name": "Кухня"},
]


def item(sku: str, name: str, brand: str, category: str, price: int, description: str = "",
         **attributes: str) -> dict[str, object]:
    return {"sku": sku, "seller_id": "seller-1", "name": name, "gtins": [], "unit_weight_g": 700,
            "dims_mm": {"length_mm": 300, "width_mm": 200, "height_mm": 120}, "price_minor": price,
            "brand": brand, "category_id": category, "description": description,
            "attributes": attributes, "images": [f"https://img.example.com/{sku}.jpg"]}


ITEMS = [
    item("RUN-1", "Кроссовки беговые Nike Air Zoom", "Nike", "sneakers", 7_990_00,
         "Лёгкие кроссовки для бега по асфальту", цвет="чёрный", size="42"),
    item("RUN-2", "Кроссовки", "Adidas", "sneakers", 4_990_00, "Повседневная модель", цвет="белый"),
    item("LACE-1", "Шнурки для кроссовок", "Laces & Co", "shoes", 199_00, "Плоские шнурки 120 см"),
    item("BOOT-1", "Ботинки зимние мужские", "Ecco", "boots", 12_500_00, "Натуральная кожа, мех"),
    item("HP-1", "Wireless headphones Sony WH-1000", "Sony", "headphones", 29_990_00,
         "Беспроводные наушники с шумоподавлением", color="black"),
    item("KET-1", "Электрочайник Bosch 1,7 л", "Bosch", "kitchen", 2_490_00,
         "Чайник из нержавеющей стали"),
]


def load_catalog(client: TestClient, admin: dict[str, str], items: list[dict[str, object]] | None = None) -> None:
    resp = client.put("/admin/categories", json={"items": CATEGORIES}, headers=admin)
    assert resp.status_code == 200, resp.text
    resp = client.put("/admin/skus", json={"items": items or ITEMS}, headers=admin)
    assert resp.status_code == 200, resp.text
