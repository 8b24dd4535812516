"""What a customer asks the catalog: text, filters, sort, page. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from central.catalog.morphology import normalize, words

MAX_QUERY_CHARS = 200
MAX_PAGE_SIZE = 100
MAX_PAGE = 1000  # deep paging costs the database a sort of every hit; refine the query instead
# Price bands for the facet, in kopecks: [0, 500 ₽), [500 ₽, 1,000 ₽), ..., [25,000 ₽, ∞).
PRICE_BAND_EDGES = (500_00, 1_000_00, 2_500_00, 5_000_00, 10_000_00, 25_000_00)


class Sort(StrEnum):
    relevance = "relevance"
    price_asc = "price_asc"
    price_desc = "price_desc"
    new = "new"


@dataclass(frozen=True)
class PriceBand:
    index: int
    min_minor: int
    max_minor: int | None  # exclusive; None: no upper bound


PRICE_BANDS = tuple(
    PriceBand(i, low, high)
    for i, (low, high) in enumerate(zip((0, *PRICE_BAND_EDGES), (*PRICE_BAND_EDGES, None), strict=True))
)


def price_band(price_minor: int) -> int:
    """The index of the band a price falls in."""
    return sum(1 for edge in PRICE_BAND_EDGES if price_minor >= edge)


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    category: str | None = None
    brand: str | None = None
    price_min: int | None = None
    price_max: int | None = None
    in_stock: bool = False
    pickup_point: str | None = None
    sort: Sort | None = None  # None: relevance with text, newest first without
    page: int = 1
    page_size: int = 20

    @property
    def words(self) -> list[str]:
        return words(self.text)

    @property
    def exact_name(self) -> str:
        return normalize(self.text)

    @property
    def order(self) -> Sort:
        if self.sort is not None:
            return self.sort
        return Sort.relevance if self.words else Sort.new

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size
