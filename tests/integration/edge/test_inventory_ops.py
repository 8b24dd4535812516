"""Receiving, putaway, adjustments, counts and the catalog on a real ledger file: each happy path,
and each bad input refused with a clear error that changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from edge.domain import commands as c


def test_seeded_ledger_verifies(ledger):
    report = ledger.verify()
    assert report.ok, report.render()
    assert report.movements == 14 and ledger.seqs() == list(range(1, 15))
    assert ledger.balance("MUG", "A-01-01") == (20, 0)
    assert ledger.balance("MILK", "C-10-01", "L2") == (10, 0)
    assert ledger.balance("MUG", "RCV-01") == (0, 0)


def test_receive_records_a_movement_and_the_balance(ledger):
    result = ledger.ok(c.Receive("r1", "MUG", 12, "RCV-02", operator="B1001"))
    assert result == {"seq": 15, "sku": "MUG", "lot": "", "against_asn": 0}
    assert ledger.balance("MUG", "RCV-02") == (12, 0)
    row = ledger.rows("SELECT kind, sku, qty, from_location, to_location, operator, idem_key FROM movements "
                      "WHERE seq = 15")
    assert row == [("receive", "MUG", 12, None, "RCV-02", "B1001", "r1")]
    assert ledger.verify().ok


def test_receive_by_barcode_resolves_the_sku(ledger):
    assert ledger.ok(c.Receive("r1", "4600000000011", 3, "RCV-01"))["sku"] == "MUG"
    assert ledger.balance("MUG", "RCV-01") == (3, 0)


def test_receive_lot_tracked_records_lot_and_expiry(ledger):
    ledger.ok(c.Receive("r1", "MILK", 4, "RCV-01", "L9", date(2031, 2, 3)))
    assert ledger.balance("MILK", "RCV-01", "L9") == (4, 0)
    assert ledger.rows("SELECT expiry FROM lots WHERE sku = 'MILK' AND lot = 'L9'") == [("2031-02-03",)]


@pytest.mark.parametrize(("command", "code", "words"), [
    (c.Receive("r1", "MUG", 5, "A-01-01"), "conflict", ["pick_face location", "receiving door"]),
    (c.Receive("r1", "NOPE", 5, "RCV-01"), "not_found", ["'NOPE' is not in the catalog"]),
    (c.Receive("r1", "MUG", 5, "RCV-99"), "not_found", ["'RCV-99' does not exist"]),
    (c.Receive("r1", "MILK", 5, "RCV-01"), "invalid", ["lot-tracked"]),
    (c.Receive("r1", "MUG", 5, "RCV-01", "L1"), "invalid", ["not lot-tracked"]),
    (c.Receive("r1", "MILK", 5, "RCV-01", "L1", date(2035, 1, 1)), "conflict", ["expiry 2030-01-01"]),
], ids=["not-a-door", "unknown-sku", "unknown-location", "lot-missing", "lot-on-untracked", "expiry-mismatch"])
def test_receive_refusals_change_nothing(ledger, command, code, words):
    ledger.refused(command, code, *words)


def test_putaway_move(ledger):
    ledger.ok(c.Receive("r1", "TEA", 7, "RCV-01"))
    result = ledger.ok(c.Move("m1", "TEA", 7, "RCV-01", "K-01-01"))
    assert result == {"seq": 16}
    assert ledger.balance("TEA", "RCV-01") == (0, 0)
    assert ledger.balance("TEA", "K-01-01") == (7, 0)
    assert ledger.verify().ok


@pytest.mark.parametrize(("command", "code", "words"), [
    (c.Move("m1", "MUG", 21, "A-01-01", "A-02-01"), "conflict", ["has 20 free units", "cannot move 21"]),
    (c.Move("m1", "MUG", 1, "A-01-01", "A-01-01"), "invalid", ["same location"]),
    (c.Move("m1", "MUG", 1, "A-01-01", "T00001"), "conflict", ["totes and robots"]),
    (c.Move("m1", "MUG", 41, "A-01-03", "K-01-01"), "conflict", ["holds 0 of 40", "no room for 41"]),
    (c.Move("m1", "MUG", 1, "Z-99-99", "A-02-01"), "not_found", ["'Z-99-99'"]),
    (c.Move("m1", "MUG", 1, "A-01-01", "Z-99-99"), "not_found", ["'Z-99-99'"]),
    (c.Move("m1", "LAMP", 1, "A-01-01", "A-02-01"), "conflict", ["0 free units of LAMP"]),
    (c.Move("m1", "MILK", 1, "B-01-01", "A-02-01", "L2"), "conflict", ["0 free units of MILK lot L2"]),
], ids=["more-than-free", "same-bin", "into-tote", "over-capacity", "unknown-from", "unknown-to", "no-stock",
        "wrong-lot"])
def test_move_refusals_change_nothing(ledger, command, code, words):
    ledger.refused(command, code, *words)


def test_allocated_stock_cannot_be_moved(allocated):
    ledger, _ = allocated
    ledger.refused(c.Move("m1", "MUG", 1, "A-01-01", "A-02-01"), "conflict", "has 0 free units")


def test_adjust_with_reason_codes(ledger):
    assert ledger.ok(c.Adjust("a1", "MUG", "A-01-01", -3, "damaged"))["on_hand"] == 17
    assert ledger.ok(c.Adjust("a2", "MUG", "A-01-01", 5, "found"))["on_hand"] == 22
    assert ledger.balance("MUG", "A-01-01") == (22, 0)
    kinds = ledger.rows("SELECT kind, qty, from_location, to_location, reason FROM movements WHERE seq > 14")
    assert kinds == [("adjust", 3, "A-01-01", None, "damaged"), ("adjust", 5, None, "A-01-01", "found")]
    assert ledger.verify().ok


def test_adjust_refusals_change_nothing(allocated):
    ledger, _ = allocated  # A-01-01: 20 on hand, all 20 allocated to S1
    ledger.refused(c.Adjust("a1", "MUG", "A-01-01", -1, "bored"), "invalid", "'bored' is not one of")
    ledger.refused(c.Adjust("a2", "MUG", "A-01-01", -1, "damaged"), "conflict", "20 allocated")
    ledger.refused(c.Adjust("a3", "TEA", "A-03-01", -6, "lost"), "conflict", "holds 5 of TEA")
    ledger.refused(c.Adjust("a4", "TEA", "Q-1", 1, "found"), "not_found", "'Q-1'")
    ledger.refused(c.Adjust("a5", "PEAR", "A-03-01", 1, "found"), "not_found", "'PEAR'")


def test_count_records_the_variance_even_when_zero(ledger):
    assert ledger.ok(c.Count("n1", "A-03-01", "TEA", 3))["variance"] == -2
    assert ledger.balance("TEA", "A-03-01") == (3, 0)
    assert ledger.ok(c.Count("n2", "A-03-01", "TEA", 3))["variance"] == 0
    assert ledger.ok(c.Count("n3", "A-04-01", "TEA", 2))["variance"] == 2  # found stock in an empty bin
    counts = ledger.rows("SELECT qty, from_location, to_location FROM movements WHERE kind = 'count' ORDER BY seq")
    assert counts == [(2, "A-03-01", None), (0, None, "A-03-01"), (2, None, "A-04-01")]
    assert ledger.verify().ok


def test_count_below_allocation_is_refused(allocated):
    ledger, _ = allocated
    ledger.refused(c.Count("n1", "A-01-01", "MUG", 19), "conflict", "20 of MUG allocated")


def test_upsert_sku_updates_and_guards_barcodes(ledger):
    ledger.ok(c.UpsertSku("u1", "MUG", "Big mug", (MUG := "4600000000011", "2900000000001"), 400))
    assert ledger.rows("SELECT name, unit_weight_g FROM skus WHERE sku = 'MUG'") == [("Big mug", 400)]
    assert ledger.ok(c.Receive("r1", "2900000000001", 1, "RCV-01"))["sku"] == "MUG"
    ledger.refused(c.UpsertSku("u2", "TEA", "Tea", (MUG,)), "conflict", "already belongs to SKU MUG")
