"""Feed commands central puts in a warehouse's feed, and the feed entry that carries them.

Pure wire contract: pydantic v2 models, no I/O, no imports of other Sklad packages.
Central serialises these into its per-warehouse feed table; the edge parses and applies them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Ident = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Qty = Annotated[int, Field(ge=1, le=1_000_000)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FeedLine(_Model):
    sku: Sku
    qty: Qty


class AsnLine(_Model):
    sku: Sku
    qty: Qty
    lot: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    expiry: date | None = None


class Dims(_Model):
    length_mm: Annotated[int, Field(ge=1, le=100_000)]
    width_mm: Annotated[int, Field(ge=1, le=100_000)]
    height_mm: Annotated[int, Field(ge=1, le=100_000)]


class FulfilmentOrder(_Model):
    """Pick, pack and ship these lines of one order from this warehouse."""

    type: Literal["fulfilment_order"] = "fulfilment_order"
    shipment_id: Ident
    order_id: Ident
    warehouse_id: Ident
    lines: Annotated[list[FeedLine], Field(min_length=1)]
    pickup_point_id: Ident
    ordered_at: datetime
    priority: Annotated[int, Field(ge=0, le=9)] | None = None


class CancelShipment(_Model):
    """Stop work on a shipment; anything already picked goes back to stock."""

    type: Literal["cancel_shipment"] = "cancel_shipment"
    shipment_id: Ident
    order_id: Ident
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class CatalogUpsert(_Model):
    """Create or replace one SKU in the warehouse's catalog cache."""

    type: Literal["catalog_upsert"] = "catalog_upsert"
    sku: Sku
    name: Annotated[str, Field(min_length=1, max_length=200)]
    gtins: list[Annotated[str, Field(pattern=r"^[0-9]{8,14}$")]]
    unit_weight_g: Annotated[int, Field(ge=0, le=10_000_000)]
    dims_mm: Dims
    lot_tracked: bool


class AdvanceShippingNotice(_Model):
    """Goods on their way to the warehouse: expect them at the receiving dock."""

    type: Literal["advance_shipping_notice"] = "advance_shipping_notice"
    asn_id: Ident
    warehouse_id: Ident
    lines: Annotated[list[AsnLine], Field(min_length=1)]
    expected_at: datetime


FeedCommand = Annotated[
    FulfilmentOrder | CancelShipment | CatalogUpsert | AdvanceShippingNotice,
    Field(discriminator="type"),
]

COMMAND_ADAPTER: TypeAdapter[FeedCommand] = TypeAdapter(FeedCommand)


class FeedEntry(_Model):
    """One command at its place in a warehouse's feed; feed_seq is gap-free per warehouse."""

    feed_seq: Annotated[int, Field(ge=1)]
    command: FeedCommand


def parse_command(raw: str | bytes) -> FeedCommand:
    """Parse one serialised command (JSON) into its model; raises pydantic.ValidationError."""
    return COMMAND_ADAPTER.validate_json(raw)
