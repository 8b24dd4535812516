"""Central's feed applied on the floor: each entry once, with the cursor, in order."""

from __future__ import annotations

from datetime import UTC, date, datetime

from edge.domain import commands as c
from sync import feed as f

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def entry(ledger, seq: int, command) -> dict:
    (outcome,) = ledger.run(c.ApplyFeedEntry(f"feed:{seq}", seq, command))
    assert outcome.ok, outcome.message
    return outcome.result


def cursor(ledger) -> int:
    (row,) = ledger.rows("SELECT value FROM sync_state WHERE name = 'feed_applied_seq'") or [("0",)]
    return int(row[0])


def test_fulfilment_order_cancel_catalog_and_asn(ledger):
    dims = f.Dims(length_mm=100, width_mm=100, height_mm=100)
    entry(ledger, 1, f.CatalogUpsert(sku="KETTLE", name="Kettle", gtins=["4601234567893"], unit_weight_g=1200,
                                     dims_mm=dims, lot_tracked=False))
    assert ledger.rows("SELECT name, unit_weight_g FROM skus WHERE sku = 'KETTLE'") == [("Kettle", 1200)]
    order = f.FulfilmentOrder(shipment_id="SH-1", order_id="O-1", warehouse_id="MSK-1", ordered_at=NOW,
                              pickup_point_id="PVZ-1", lines=[f.FeedLine(sku="MUG", qty=2)])
    assert entry(ledger, 2, order)["shipment_id"] == "SH-1"
    assert ledger.rows("SELECT status FROM shipments WHERE id = 'SH-1'") == [("allocated",)]
    entry(ledger, 3, f.CancelShipment(shipment_id="SH-1", order_id="O-1", reason="customer"))
    assert ledger.rows("SELECT status FROM shipments WHERE id = 'SH-1'") == [("cancelled",)]
    asn = f.AdvanceShippingNotice(asn_id="ASN-1", warehouse_id="MSK-1", expected_at=NOW,
                                  lines=[f.AsnLine(sku="MUG", qty=10), f.AsnLine(sku="KETTLE", qty=4)])
    entry(ledger, 4, asn)
    received = ledger.ok(c.Receive("rcv-1", "MUG", 6, "RCV-01"))
    assert received["against_asn"] == 6
    assert ledger.rows("SELECT sku, qty, received FROM expected_receipts ORDER BY sku") == [
        ("KETTLE", 4, 0), ("MUG", 10, 6)]
    assert cursor(ledger) == 4 and ledger.verify().ok


def test_replays_are_skipped_and_gaps_refused(ledger):
    dims = f.Dims(length_mm=1, width_mm=1, height_mm=1)
    upsert = f.CatalogUpsert(sku="X1", name="X", gtins=[], unit_weight_g=1, dims_mm=dims, lot_tracked=False)
    entry(ledger, 1, upsert)
    (replay,) = ledger.run(c.ApplyFeedEntry("feed:again", 1, upsert))
    assert replay.ok and replay.result == {"feed_seq": 1, "already_applied": True}
    (gap,) = ledger.run(c.ApplyFeedEntry("feed:3", 3, upsert))
    assert not gap.ok and "entry 2 is next" in gap.message and cursor(ledger) == 1


def test_an_entry_the_floor_cannot_take_is_recorded_and_the_feed_moves_on(ledger):
    order = f.FulfilmentOrder(shipment_id="SH-9", order_id="O-9", warehouse_id="MSK-1", ordered_at=NOW,
                              pickup_point_id="PVZ-1", lines=[f.FeedLine(sku="NOT-HERE", qty=1)])
    result = entry(ledger, 1, order)
    assert "NOT-HERE" in result["rejected"]
    assert ledger.rows("SELECT feed_seq, command_type FROM feed_rejections") == [(1, "fulfilment_order")]
    assert ledger.rows("SELECT COUNT(*) FROM shipments WHERE id = 'SH-9'") == [(0,)]
    asn = f.AdvanceShippingNotice(asn_id="A", warehouse_id="MSK-1", expected_at=NOW,
                                  lines=[f.AsnLine(sku="MILK", qty=5, lot="L1", expiry=date(2027, 1, 1))])
    entry(ledger, 2, asn)
    assert cursor(ledger) == 2


def test_an_entry_the_ledger_refuses_is_recorded_and_the_feed_moves_on(ledger):
    # Two lines for one SKU: refused with the reason, not retried for ever.
    lines = [f.FeedLine(sku="MUG", qty=1), f.FeedLine(sku="MUG", qty=2)]
    twice = f.FulfilmentOrder(shipment_id="SH-7", order_id="O-7", warehouse_id="MSK-1", ordered_at=NOW,
                              pickup_point_id="PVZ-1", lines=lines)
    result = entry(ledger, 1, twice)
    assert result["code"] == "invalid_entry" and "SH-7" in result["rejected"]
    assert ledger.rows("SELECT feed_seq, code FROM feed_rejections") == [(1, "invalid_entry")]
    assert ledger.rows("SELECT COUNT(*) FROM shipments WHERE id = 'SH-7'") == [(0,)] and cursor(ledger) == 1
    assert ledger.verify().ok


def test_an_entry_a_ledger_constraint_refuses_is_recorded_and_the_feed_moves_on(allocated):
    ledger, _ = allocated
    # Somebody broke the ledger behind the node's back: A-01-01 shows 3 allocated where S1's task
    # holds 20, so releasing the task's allocation breaks the CHECK on balances.
    ledger.conn.execute("UPDATE balances SET allocated = 3 WHERE sku = 'MUG' AND location = 'A-01-01'")
    result = entry(ledger, 1, f.CancelShipment(shipment_id="S1", order_id="O1", reason="customer"))
    assert result["code"] == "invalid_entry" and "CHECK" in result["rejected"]
    assert ledger.rows("SELECT feed_seq, command_type, code FROM feed_rejections") == [(1, "cancel_shipment",
                                                                                       "invalid_entry")]
    assert ledger.shipment("S1")["status"] == "picking" and cursor(ledger) == 1
