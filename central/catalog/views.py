"""What the storefront gets back from the catalog (read models served as they are)."""

from __future__ import annotations

from pydantic import BaseModel


class DeliveryView(BaseModel):
    warehouse_id: str
    distance_km: float
    days: int


class AvailabilityView(BaseModel):
    pickup_point_id: str | None
    available: int  # on hand - reserved - unsellable, over the warehouses that can ship to the pickup point
    in_stock: bool
    delivery: DeliveryView | None  # from the nearest warehouse holding it; needs pickup_point


class HitView(BaseModel):
    sku: str
    name: str
    brand: str
    category_id: str | None
    price_minor: int
    availability: AvailabilityView


class Bucket(BaseModel):
    value: str
    count: int


class PriceBandBucket(BaseModel):
    min_minor: int
    max_minor: int | None  # exclusive; null: no upper bound
    count: int


class FacetsView(BaseModel):
    categories: list[Bucket]
    brands: list[Bucket]
    price_bands: list[PriceBandBucket]


class SearchPageView(BaseModel):
    total: int
    page: int
    page_size: int
    sort: str
    near_match: bool  # nothing matched every word; these are the closest names (a typo?)
    # False: so many SKUs match an `in_stock` search that `total` and the facet counts are estimated
    # from a sample whose stock was read (or, a typo, there were more similar names than shown).
    exact: bool = True
    hits: list[HitView]
    facets: FacetsView


class ItemView(BaseModel):
    sku: str
    name: str
    brand: str
    category_id: str | None
    category_path: list[str]
    description: str
    attributes: dict[str, str]
    images: list[str]
    gtins: list[str]
    price_minor: int
    availability: AvailabilityView


class CategoryView(BaseModel):
    category_id: str
    parent_id: str | None
    name: str
    path: str
