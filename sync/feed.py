"""Feed commands central puts in a warehouse's feed, and the feed entry that carries them.

Pure wire contract: pydantic v2 models, no I/O, no imports of other Sklad packages.
Central serialises these into its per-warehouse feed table; the edge parses and applies them.

Central writes with the strict models (an unknown field is a bug in central). The edge reads a
page with `read_page`, as a tolerant reader: a central one version ahead may add fields (ignored)
and command types (kept as an UnreadableCommand the edge records as rejected, so its cursor moves
on); an entry that breaks the contract is kept the same way, and never blocks the rest of a page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Literal, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, model_validator

from sync.outcomes import OutcomeCode

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


class ReturnLine(_Model):
    sku: Sku
    qty: Qty
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class ReturnNotice(_Model):
    """A customer's parcel is coming back from a pickup point: receive it at a returns location,
    inspect each unit. Every movement of the return carries `return_reason(return_id)` as its
    reason, so central counts what the floor received against this notice."""

    type: Literal["return_notice"] = "return_notice"
    return_id: Ident
    order_id: Ident
    shipment_id: Ident
    warehouse_id: Ident
    lines: Annotated[list[ReturnLine], Field(min_length=1)]


class RouteStop(_Model):
    stop: Annotated[int, Field(ge=1, le=1000)]  # the van's stop number, 1 the first
    pickup_point_id: Ident
    shipment_ids: Annotated[list[Ident], Field(min_length=1, max_length=10_000)]


class DeliveryRoute(_Model):
    """A van route central planned from this warehouse: the floor waves its shipments by the route
    (cut off at the departure) and prints route and stop on their labels.

    Re-planning sends the routes that replace it: `replaces` names the routes of the earlier plan
    it withdraws, and for a route or a shipment the highest `version` wins (the same version
    again changes nothing). Central numbers versions with the entry's own feed_seq."""

    type: Literal["delivery_route"] = "delivery_route"
    route_id: Ident
    warehouse_id: Ident
    version: Annotated[int, Field(ge=1)]
    service_date: date
    departs_at: AwareDatetime
    vehicle_id: Ident
    stops: Annotated[list[RouteStop], Field(min_length=1, max_length=1000)]
    replaces: Annotated[list[Ident], Field(max_length=10_000)] = []

    @model_validator(mode="after")
    def _one_place_each(self) -> DeliveryRoute:
        numbers = [s.stop for s in self.stops]
        if len(set(numbers)) != len(numbers):
            raise ValueError(f"stop numbers repeat: {sorted(numbers)}")
        shipments = [sid for s in self.stops for sid in s.shipment_ids]
        if twice := sorted({sid for sid in shipments if shipments.count(sid) > 1}):
            raise ValueError(f"a shipment is on the route twice: {', '.join(twice[:5])}")
        if self.route_id in self.replaces:
            raise ValueError(f"route {self.route_id} cannot replace itself")
        return self


class RouteWithdrawal(_Model):
    """Routes of this warehouse central threw away with nothing in their place (a re-plan that
    made no route from here, or a van whose every shipment was cancelled): the floor forgets
    them, and their shipments wave by cut-off again until a route names them. The highest
    version wins here too: a route the floor holds at a higher version is kept."""

    type: Literal["route_withdrawal"] = "route_withdrawal"
    warehouse_id: Ident
    version: Annotated[int, Field(ge=1)]
    route_ids: Annotated[list[Ident], Field(min_length=1, max_length=10_000)]
    reason: Annotated[str, Field(min_length=1, max_length=500)]


RETURN_PREFIX = "return "


def return_reason(return_id: str) -> str:
    return RETURN_PREFIX + return_id


def return_id_of(reason: str | None) -> str | None:
    """The return a movement's reason names, if any ("return R-1" or "return R-1: dispose: torn")."""
    if not reason or not reason.startswith(RETURN_PREFIX):
        return None
    return reason[len(RETURN_PREFIX):].split(":", 1)[0] or None


FeedCommand = Annotated[
    FulfilmentOrder | CancelShipment | CatalogUpsert | AdvanceShippingNotice | ReturnNotice | DeliveryRoute
    | RouteWithdrawal,
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


KNOWN_TYPES = frozenset(get_args(m.model_fields["type"].annotation)[0] for m in get_args(get_args(FeedCommand)[0]))


@dataclass(frozen=True)
class UnreadableCommand:
    """A feed command this node cannot act on: the floor records it as rejected and moves on."""

    type: str
    code: OutcomeCode  # UNKNOWN_COMMAND or INVALID_ENTRY
    reason: str


@dataclass(frozen=True)
class ReceivedEntry:
    """A feed entry as the edge read it."""

    feed_seq: int
    command: FeedCommand | UnreadableCommand


class MalformedPage(ValueError):
    """The page itself (not one of its entries) is not what the contract says."""


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "the command"
    more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
    return f"{where}: {first['msg']}{more}"


def read_command(raw: object) -> FeedCommand | UnreadableCommand:
    """One command as this node's version understands it; fields it does not know are ignored."""
    kind = raw.get("type") if isinstance(raw, dict) else None
    if not isinstance(kind, str) or not kind:
        return UnreadableCommand("?", OutcomeCode.INVALID_ENTRY, "the command has no type")
    kind = kind[:64]
    if kind not in KNOWN_TYPES:
        return UnreadableCommand(kind, OutcomeCode.UNKNOWN_COMMAND,
                                 f"unknown command {kind!r}: upgrade this node to a version that knows it")
    try:
        return COMMAND_ADAPTER.validate_python(raw, extra="ignore")
    except ValidationError as exc:
        return UnreadableCommand(kind, OutcomeCode.INVALID_ENTRY, f"{kind} does not follow the contract: "
                                 f"{_describe(exc)}"[:500])


def read_page(raw_entries: object, after: int) -> list[ReceivedEntry]:
    """The entries of a feed page that follows `after`, each read on its own.

    The feed is gap-free, so an entry whose feed_seq is unreadable takes the place it holds in the
    page; a feed_seq that contradicts its place means the page cannot be trusted at all.
    """
    if not isinstance(raw_entries, list):
        raise MalformedPage(f"the feed's entries are a {type(raw_entries).__name__}, not a list")
    entries = []
    for place, raw in enumerate(raw_entries, start=after + 1):
        if not isinstance(raw, dict):
            entries.append(ReceivedEntry(place, UnreadableCommand("?", OutcomeCode.INVALID_ENTRY,
                                                                  f"feed entry {place} is not an object")))
            continue
        seq, command = raw.get("feed_seq"), read_command(raw.get("command"))
        if not isinstance(seq, int) or isinstance(seq, bool):
            command = UnreadableCommand(command.type, OutcomeCode.INVALID_ENTRY, f"feed entry {place} has no feed_seq")
        elif seq != place:
            raise MalformedPage(f"feed entry {seq} came where entry {place} belongs")
        entries.append(ReceivedEntry(place, command))
    return entries
