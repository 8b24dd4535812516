"""sync.feed: the commands central writes to a warehouse's feed, as the edge will read them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from sync.feed import (
    AdvanceShippingNotice,
    AsnLine,
    CancelShipment,
    CatalogUpsert,
    Dims,
    FeedEntry,
    FeedLine,
    FulfilmentOrder,
    parse_command,
)

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
COMMANDS = [
    FulfilmentOrder(shipment_id="shp-1", order_id="ord-1", warehouse_id="wh-msk",
                    lines=[FeedLine(sku="A", qty=2)], pickup_point_id="pp-1", ordered_at=AT),
    CancelShipment(shipment_id="shp-1", order_id="ord-1", reason="customer cancelled"),
    CatalogUpsert(sku="A", name="Kettle", gtins=["4601234567893"], unit_weight_g=1200,
                  dims_mm=Dims(length_mm=250, width_mm=180, height_mm=260), lot_tracked=True),
    AdvanceShippingNotice(asn_id="asn-1", warehouse_id="wh-msk", expected_at=AT,
                          lines=[AsnLine(sku="A", qty=100, lot="L7", expiry=date(2027, 1, 1))]),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.type)
def test_commands_round_trip_through_json(command) -> None:  # type: ignore[no-untyped-def]
    assert parse_command(command.model_dump_json()) == command
    entry = FeedEntry(feed_seq=7, command=command)
    assert FeedEntry.model_validate_json(entry.model_dump_json()) == entry


def test_type_field_picks_the_model() -> None:
    raw = '{"type": "cancel_shipment", "shipment_id": "s", "order_id": "o", "reason": "r"}'
    assert isinstance(parse_command(raw), CancelShipment)
    with pytest.raises(ValidationError):
        parse_command('{"type": "launch_rocket"}')


@pytest.mark.parametrize("raw", [
    '{"type": "cancel_shipment", "shipment_id": "s", "order_id": "o", "reason": "r", "x": 1}',
    '{"type": "fulfilment_order", "shipment_id": "s", "order_id": "o", "warehouse_id": "w",'
    ' "lines": [], "pickup_point_id": "p", "ordered_at": "2026-01-01T00:00:00Z"}',
    '{"type": "catalog_upsert", "sku": "a b", "name": "n", "gtins": [], "unit_weight_g": 1,'
    ' "dims_mm": {"length_mm": 1, "width_mm": 1, "height_mm": 1}, "lot_tracked": false}',
    "not json",
])
def test_malformed_commands_are_refused(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_command(raw)
