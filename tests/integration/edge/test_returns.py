"""Customer returns on a real ledger: the notice from the feed, the receipt at a returns location,
inspection of each unit (restock with a suggestion, quarantine, dispose with a reason), refusals."""

from __future__ import annotations

import pytest

from edge.domain import commands as c
from edge.domain import returns as r
from edge.errors import InvalidCommand
from sync import feed as f


def notice(return_id: str = "R1", **lines: int) -> f.ReturnNotice:
    return f.ReturnNotice(return_id=return_id, order_id="O1", shipment_id="S1", warehouse_id="MSK-1",
                          lines=[f.ReturnLine(sku=sku, qty=qty, reason="did not fit") for sku, qty in lines.items()])


def announce(ledger, command: f.ReturnNotice, seq: int = 1) -> dict:
    return ledger.ok(c.ApplyFeedEntry(f"feed:{seq}", seq, command))


def lines(ledger) -> list[tuple]:
    return ledger.rows("SELECT sku, qty, received, restocked, quarantined, disposed FROM return_lines ORDER BY sku")


def test_a_return_through_receipt_and_inspection(ledger):
    announce(ledger, notice(MUG=3, TEA=1))
    assert ledger.rows("SELECT id, state FROM returns") == [("R1", "expected")]
    ledger.refused(r.InspectReturn("early", "R1", "MUG", 1, "quarantine"), "conflict", "not been received")
    ledger.refused(r.ReceiveReturn("wrong-place", "R1", "STG-01"), "conflict", "STG-01", "returns location")
    assert ledger.ok(r.ReceiveReturn("rcv", "R1", "RET-01", operator="B1002")) == {
        "return_id": "R1", "units": 4, "location": "RET-01"}
    assert ledger.balance("MUG", "RET-01") == (3, 0)
    moves = ledger.rows("SELECT kind, sku, qty, to_location, order_ref, shipment_ref, reason FROM movements "
                        "WHERE kind = 'return' ORDER BY sku")
    assert moves == [("return", "MUG", 3, "RET-01", "O1", "S1", "return R1: did not fit"),
                     ("return", "TEA", 1, "RET-01", "O1", "S1", "return R1: did not fit")]
    ledger.refused(r.ReceiveReturn("rcv-again", "R1", "RET-01"), "conflict", "received already")

    refusal = ledger.refused(r.InspectReturn("no-bin", "R1", "MUG", 1, "restock"), "invalid", "suggested: A-01-01")
    assert "scan the bin" in refusal
    ledger.refused(r.InspectReturn("wrong-face", "R1", "MUG", 1, "restock", "A-03-01"), "conflict", "holds TEA")
    result = ledger.ok(r.InspectReturn("restock", "R1", "4600000000011", 1, "restock", "A-01-01"))
    assert (result["location"], result["uninspected"]) == ("A-01-01", 3)
    ledger.ok(r.InspectReturn("quarantine", "R1", "MUG", 1, "quarantine"))
    ledger.ok(r.InspectReturn("dispose", "R1", "MUG", 1, "dispose", reason="broken handle"))
    ledger.refused(r.InspectReturn("too-many", "R1", "MUG", 1, "dispose", reason="x"), "conflict",
                   "0 uninspected MUG")
    ledger.ok(r.InspectReturn("tea", "R1", "TEA", 1, "quarantine", "QUA-01"))
    assert lines(ledger) == [("MUG", 3, 3, 1, 1, 1), ("TEA", 1, 1, 0, 1, 0)]
    assert ledger.rows("SELECT state FROM returns") == [("inspected",)]
    assert ledger.balance("MUG", "A-01-01") == (21, 0) and ledger.balance("MUG", "QUA-01") == (1, 0)
    assert ledger.balance("MUG", "RET-01") == (0, 0)
    disposed = ledger.rows("SELECT kind, from_location, to_location, reason FROM movements WHERE idem_key = 'dispose'")
    assert disposed == [("adjust", "RET-01", None, "return R1: dispose: broken handle")]
    assert ledger.verify().ok
    ledger.conn.execute("UPDATE return_lines SET restocked = 0 WHERE sku = 'MUG'")  # a record without its movement
    assert ledger.verify().problems == ["return R1 MUG: restocked 0 but its movements sum to 1"]


def test_a_notice_for_an_unknown_sku_or_twice_is_rejected_and_the_feed_moves_on(ledger):
    assert announce(ledger, notice(NOPE=1))["code"] == "not_found"
    announce(ledger, notice(MUG=1), seq=2)
    assert announce(ledger, notice(MUG=1), seq=3)["code"] == "rejected"
    assert ledger.rows("SELECT feed_seq, code FROM feed_outcomes ORDER BY feed_seq") == [
        (1, "not_found"), (3, "rejected")]
    assert ledger.rows("SELECT id FROM returns") == [("R1",)]
    ledger.refused(r.ReceiveReturn("unknown", "R9", "RET-01"), "not_found", "R9")


@pytest.mark.parametrize("outcome, reason", [("resell", None), ("dispose", None)])
def test_a_bad_outcome_is_refused_at_the_door(outcome, reason):
    with pytest.raises(InvalidCommand, match=r"outcome|why"):
        r.InspectReturn("k", "R1", "MUG", 1, outcome, reason=reason)
