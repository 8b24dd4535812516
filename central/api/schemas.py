"""Request and response bodies of the HTTP API that are not read models of the services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Path, Query
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema

from central.domain.orders import MAX_LINES, MAX_QTY_PER_LINE
from sync.feed import AsnLine, Dims

ID_PATTERN = r"^[A-Za-z0-9_.:-]+$"
CUSTOMER_PATTERN = r"^[A-Za-z0-9_:-]+$"  # no dot: the customer token uses dots as separators


def _printable(value: str) -> str:
    if not value.isprintable() or not value.strip():
        raise ValueError("must be printable text without control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("must be valid Unicode text") from exc
    return value


def _printable_or_empty(value: str) -> str:
    return _printable(value) if value else value


def _text_block(value: str) -> str:
    """Printable text where line breaks and tabs are allowed (descriptions)."""
    _printable_or_empty(value.replace("\n", " ").replace("\t", " "))
    return value


@dataclass(frozen=True)
class UniqueBy:
    """Annotation for a list in which no two items may share a key (upserts need each key once).

    It refuses such a list and says so in the OpenAPI document: the description, and the key's
    fields as `x-unique-by`."""

    key: Callable[[Any], object]
    what: str
    fields: tuple[str, ...]

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self._check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        found = handler(schema)
        found["x-unique-by"] = list(self.fields)
        found["description"] = f"each {self.what} at most once: two items with the same {self.what} are refused"
        return found

    def _check(self, items: list[Any]) -> list[Any]:
        seen: set[object] = set()
        for item in items:
            if (k := self.key(item)) in seen:
                raise ValueError(f"{self.what} {k} appears more than once; send each once")
            seen.add(k)
        return items


def unique_by(key: Callable[[Any], object], what: str, *fields: str) -> UniqueBy:
    return UniqueBy(key, what, fields)


Id = Annotated[str, Field(min_length=1, max_length=64, pattern=ID_PATTERN)]
# Printable, not blank: the pattern states it for clients, the validator also refuses other
# Unicode that does not print (line separators, lone surrogates...).
PRINTABLE = r"^[^\x00-\x1f\x7f]*[^\x00-\x20\x7f][^\x00-\x1f\x7f]*$"
Text = Annotated[str, Field(min_length=1, max_length=200, pattern=PRINTABLE), AfterValidator(_printable)]
Lat = Annotated[float, Field(ge=-90, le=90)]
Lon = Annotated[float, Field(ge=-180, le=180)]
Gtin = Annotated[str, Field(pattern=r"^[0-9]{8,14}$")]

CatalogText = Annotated[str, Field(max_length=100), AfterValidator(_printable_or_empty)]
Description = Annotated[str, Field(max_length=5000), AfterValidator(_text_block)]
Attributes = Annotated[dict[Annotated[str, Field(min_length=1, max_length=64), AfterValidator(_printable)],
                            Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_printable)]],
                       Field(max_length=50, description="e.g. {\"цвет\": \"чёрный\", \"size\": \"42\"}")]
ImageUrl = Annotated[str, Field(max_length=500, pattern=r"^https?://[^\s]+$")]

IdPath = Annotated[str, Path(min_length=1, max_length=64, pattern=ID_PATTERN)]
CustomerPath = Annotated[str, Path(min_length=1, max_length=64, pattern=CUSTOMER_PATTERN)]
IdQuery = Annotated[str | None, Query(min_length=1, max_length=64, pattern=ID_PATTERN)]
# Discrepancy ids are 32-bit columns: a larger number is refused here, not by the driver.
DiscrepancyPath = Annotated[int, Path(ge=1, le=2**31 - 1)]
Cursor = Annotated[int, Query(ge=0, le=2**62, description="feed_seq already applied")]
Limit = Annotated[int, Query(ge=1, le=1000)]
# Row ids that page a listing are 32-bit integers on PostgreSQL: a larger `after` is refused, not a 500.
RowCursor = Annotated[int, Query(ge=0, le=2**31 - 1, description="the last id seen")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SkuIn(Body):
    sku: Id
    seller_id: Id
    name: Text
    gtins: Annotated[list[Gtin], Field(max_length=20)] = []
    unit_weight_g: Annotated[int, Field(ge=0, le=10_000_000)]
    dims_mm: Dims
    lot_tracked: bool = False
    price_minor: Annotated[int, Field(ge=0, le=1_000_000_000, description="kopecks")]


    # The storefront catalog (issue 11): see central/catalog.
    brand: CatalogText = ""
    category_id: Id | None = None
    description: Description = ""
    attributes: Attributes = {}
    images: Annotated[list[ImageUrl], Field(max_length=20)] = []


class SkuBatch(Body):
    items: Annotated[list[SkuIn], Field(min_length=1, max_length=1000),
                     unique_by(lambda i: i.sku, "SKU", "sku")]


class WarehouseIn(Body):
    name: Text
    lat: Lat
    lon: Lon


class WarehouseOut(WarehouseIn):
    warehouse_id: str
    token_set: bool


class AsnIn(Body):
    asn_id: Id
    expected_at: datetime
    lines: Annotated[list[AsnLine], Field(min_length=1, max_length=1000),
                     unique_by(lambda line: (line.sku, line.lot), "SKU and lot", "sku", "lot")]


class FeedSeqOut(BaseModel):
    feed_seq: int


class WarehouseTokenIn(Body):
    token: Annotated[str, Field(min_length=32, max_length=256, pattern=r"^[A-Za-z0-9_.~+/=-]+$")]


class PickupPointIn(Body):
    pickup_point_id: Id
    name: Text
    lat: Lat
    lon: Lon


class PickupPointBatch(Body):
    items: Annotated[list[PickupPointIn], Field(min_length=1, max_length=1000),
                     unique_by(lambda i: i.pickup_point_id, "pickup point", "pickup_point_id")]


class StockRowIn(Body):
    warehouse_id: Id
    sku: Id
    on_hand: Annotated[int, Field(ge=0, le=1_000_000_000)]


class StockImport(Body):
    rows: Annotated[list[StockRowIn], Field(min_length=1, max_length=10_000),
                    unique_by(lambda r: (r.warehouse_id, r.sku), "warehouse and SKU", "warehouse_id", "sku")]


class ResolveIn(Body):
    resolution: Annotated[str, Field(min_length=1, max_length=500, pattern=PRINTABLE,
                                     description="what was found and done, e.g. 'recounted bin A-01'"),
                          AfterValidator(_printable)]
    resolved_by: Annotated[str, Field(min_length=1, max_length=64, pattern=PRINTABLE), AfterValidator(_printable)]


class OrderLineIn(Body):
    sku: Id
    qty: Annotated[int, Field(ge=1, le=MAX_QTY_PER_LINE)]


class PlaceOrderIn(Body):
    """An order; its total may be at most 10,000,000.00 (larger orders go through sales)."""

    idempotency_key: Annotated[str, Field(min_length=1, max_length=128, pattern=ID_PATTERN)]
    pickup_point_id: Id
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=MAX_LINES),
                     unique_by(lambda line: line.sku, "SKU", "sku")]


class CancelIn(Body):
    reason: Text = "cancelled by customer"


class SandboxDecision(Body):
    outcome: Literal["approve", "decline"]


class Count(BaseModel):
    count: int


class CustomerTokenOut(BaseModel):
    customer_id: str
    token: str
    expires_at: datetime


class SweepOut(BaseModel):
    expired: int
    refunded: int
    voided: int  # orphan payment intents


class Health(BaseModel):
    status: Literal["ok"]
    database: str


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody} for status in (400, 401, 403, 404, 409, 413, 422)
}
