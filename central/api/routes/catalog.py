"""The storefront catalog: search with live availability, one item, the category tree (public,
no token; the gateway rate-limits them). Category upkeep is admin-only."""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import ThreadPoolExecutor
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import AfterValidator, Field

from central.api.auth import AdminDep, CentralDep
from central.api.schemas import ERROR_RESPONSES, Body, Count, Id, IdPath, IdQuery, Text, unique_by
from central.catalog import service
from central.catalog.categories import Category
from central.catalog.query import MAX_PAGE, MAX_PAGE_SIZE, MAX_QUERY_CHARS, SearchQuery, Sort
from central.catalog.views import CategoryView, ItemView, SearchPageView
from central.errors import InvalidRequest

router = APIRouter(tags=["catalog"], responses=ERROR_RESPONSES)
_SEARCH_THREADS = ThreadPoolExecutor(max_workers=6, thread_name_prefix="catalog-search")
MAX_PRICE = 10**12


def _no_control_characters(value: str | None) -> str | None:
    if value is not None and not value.isprintable():
        raise ValueError("must be printable text without control characters")
    return value


SearchText = Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="words to find (any order)"),
                       AfterValidator(_no_control_characters)]
BrandQuery = Annotated[str | None, Query(min_length=1, max_length=100), AfterValidator(_no_control_characters)]
Price = Annotated[int | None, Query(ge=0, le=MAX_PRICE, description="kopecks, inclusive")]
PickupQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                                          description="show availability and delivery for this pickup point")]


@router.get("/catalog/search", response_model=SearchPageView)
async def search(central: CentralDep, q: SearchText = "", category: IdQuery = None, brand: BrandQuery = None,
           price_min: Price = None, price_max: Price = None, in_stock: bool = False,
           pickup_point: PickupQuery = None, sort: Sort | None = None,
           page: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 1,
           page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = 20) -> Response:
    """Full text over name, brand, attributes and description (Russian and English word forms),
    filters, facet counts over every matching SKU (category, brand, price band), and for each hit
    its availability now (on hand - reserved - units not for sale: returns, quarantine) with a
    delivery estimate to `pickup_point`.

    `category` includes its subcategories. Without `q`, browses the filters, newest first.
    """
    if price_min is not None and price_max is not None and price_min > price_max:
        raise InvalidRequest(f"price_min ({price_min}) is above price_max ({price_max}); swap them",
                             price_min=price_min, price_max=price_max)
    query = SearchQuery(text=q, category=category, brand=brand, price_min=price_min, price_max=price_max,
                        in_stock=in_stock, pickup_point=pickup_point, sort=sort, page=page, page_size=page_size)
    # Searches take their own few threads, fewer than the connection pool holds: a burst queues
    # here instead of opening overflow connections, each a new PostgreSQL backend to warm up.
    page = await asyncio.get_running_loop().run_in_executor(
        _SEARCH_THREADS, contextvars.copy_context().run, service.search, central, query)
    # The service built (and so validated) the view: out as JSON without a second validation.
    return Response(page.model_dump_json(), media_type="application/json")


@router.get("/catalog/items/{sku}", response_model=ItemView)
def item(sku: IdPath, central: CentralDep, pickup_point: PickupQuery = None) -> ItemView:
    """One SKU as customers see it, with availability (and delivery to `pickup_point`)."""
    return service.item(central, sku, pickup_point)


@router.get("/catalog/categories", response_model=list[CategoryView])
def categories(central: CentralDep) -> list[CategoryView]:
    """The whole category tree, parents before their children (by path)."""
    return service.category_tree(central)


class CategoryIn(Body):
    category_id: Id
    parent_id: Id | None = None
    name: Text


class CategoryBatch(Body):
    items: Annotated[list[CategoryIn], Field(min_length=1, max_length=1000),
                     unique_by(lambda c: c.category_id, "category")]


@router.put("/admin/categories", response_model=Count, tags=["admin"])
def upsert_categories(body: CategoryBatch, central: CentralDep, _: AdminDep) -> Count:
    """Create or update categories (a parent may come in the same batch); moving one moves its subtree."""
    items = [Category(c.category_id, c.parent_id, c.name) for c in body.items]
    return Count(count=service.upsert_categories(central, items))


