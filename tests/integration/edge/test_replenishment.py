"""Replenishment on a real ledger: the three triggers (after a pick, ahead of demand, urgent on a
short), FEFO from reserve, the handheld's scans, the refusals, and rules from pick velocity.

Seeded stock (conftest): MUG faces A-01-01 20 and A-05-01 30, reserve A-01-03 50; TEA face A-03-01 5.
"""

from __future__ import annotations

from datetime import date

import pytest

from edge.domain import commands as c
from edge.domain import replenish_commands as rc
from edge.fleet.commands import TransportStep
from edge.replenish_config import RuleDecl, store_rules


def rules(ledger, *decls: RuleDecl) -> None:
    store_rules(ledger.conn, decls, "2026-01-01T00:00:00+00:00")


def replenish_tasks(ledger) -> list[dict]:
    return ledger.dicts("SELECT t.id AS id, t.state AS state, t.sku AS sku, t.lot AS lot, t.qty AS qty, "
                        "t.done_qty AS done_qty, t.location AS location, r.to_location AS to_location, "
                        "r.trigger AS trigger FROM tasks t JOIN replenishments r ON r.task_id = t.id ORDER BY t.id")


def allocate(ledger, shipment: str, sku: str, qty: int) -> dict:
    return ledger.ok(c.AllocateShipment(f"alloc-{shipment}", shipment, f"O-{shipment}", (c.OrderLine(sku, qty),)))


def confirm(ledger, task: dict, operator: str = "B1003", **changes) -> dict:
    scans = {"from_location": task["location"], "item": task["sku"], "to_location": task["to_location"],
             "qty": task["qty"] - task["done_qty"], **changes}
    return ledger.ok(rc.ConfirmReplenishment(f"repl-{task['id']}-{scans['qty']}", task["id"], operator=operator,
                                             **scans))


def test_a_pick_below_min_refills_the_face_from_reserve_by_the_handheld(ledger):
    rules(ledger, RuleDecl("", "MUG", 15, 40))
    allocate(ledger, "S1", "MUG", 10)
    ledger.ok(c.NextTask("next", operator="B1001"))
    (pick,) = ledger.tasks("S1")
    assert replenish_tasks(ledger) == []  # the allocation found enough on the faces
    ledger.ok(c.ConfirmPick("pick", pick["id"], "A-01-01", "MUG", "T00001", 10, operator="B1001"))
    (task,) = replenish_tasks(ledger)
    assert (task["location"], task["to_location"], task["qty"], task["trigger"]) == ("A-01-03", "A-01-01", 30, "min")
    assert ledger.balance("MUG", "A-01-03") == (50, 30)  # held for the task: no pick takes them meanwhile
    assert ledger.verify().ok

    got = ledger.ok(rc.NextReplenishment("next-r", operator="B1003"))["task"]
    assert (got["id"], got["from_location"], got["to_location"], got["qty"]) == (task["id"], "A-01-03", "A-01-01", 30)
    confirm(ledger, {**task, "qty": 30}, qty=12)
    assert confirm(ledger, {**task, "done_qty": 12})["remaining"] == 0
    assert ledger.balance("MUG", "A-01-01") == (40, 0) and ledger.balance("MUG", "A-01-03") == (20, 0)
    assert replenish_tasks(ledger)[0]["state"] == "done"
    moves = ledger.rows("SELECT from_location, to_location, qty, reason FROM movements WHERE task_ref = ?", task["id"])
    assert moves == [("A-01-03", "A-01-01", 12, "replenish"), ("A-01-03", "A-01-01", 18, "replenish")]
    assert ledger.verify().ok


def test_wrong_scans_are_refused_and_change_nothing(ledger):
    rules(ledger, RuleDecl("", "MUG", 15, 40))
    task_id = ledger.ok(rc.RequestReplenishment("ask", "MUG", "A-01-01", 10))["tasks"][0]
    ledger.ok(rc.NextReplenishment("next-r", operator="B1003"))
    (task,) = replenish_tasks(ledger)
    base = {"task_id": task_id, "from_location": "A-01-03", "item": "MUG", "to_location": "A-01-01", "qty": 10}

    def refused(code: str, *words: str, **scans) -> None:
        ledger.refused(rc.ConfirmReplenishment(f"bad-{sorted(scans.items())}", operator="B1003", **{**base, **scans}),
                       code, *words)

    refused("conflict", "wrong bin", "A-01-03", from_location="A-05-01")
    refused("conflict", "wrong item", "TEA", item="TEA")
    refused("conflict", "wrong face", "A-05-01", "A-01-01", to_location="A-05-01")
    refused("conflict", "A-03-01 holds TEA", to_location="A-03-01")  # a face of another SKU
    refused("conflict", "over-replenishment", qty=11)
    ledger.refused(rc.ConfirmReplenishment("theirs", task_id, "A-01-03", "MUG", "A-01-01", 10, operator="B1001"),
                   "conflict", "belongs to B1003")
    assert confirm(ledger, task)["remaining"] == 0


def test_a_replenishment_to_a_face_of_another_sku_is_refused_by_name(ledger):
    ledger.refused(rc.RequestReplenishment("ask", "MUG", "A-03-01"), "conflict", "A-03-01", "holds TEA", "MUG")
    ledger.refused(rc.RequestReplenishment("ask2", "MUG", "A-01-03"), "conflict", "not a pick face")
    ledger.refused(rc.RequestReplenishment("ask3", "MUG", "Z-99"), "not_found", "Z-99")
    ledger.refused(rc.RequestReplenishment("ask4", "TEA", "A-03-01"), "conflict", "reserve holds no free TEA")


def test_allocation_short_on_the_faces_replenishes_ahead_of_the_picks(ledger):
    rules(ledger, RuleDecl("AMB", "", 5, 60))
    allocate(ledger, "S1", "MUG", 60)  # faces give 50, reserve 10
    (task,) = replenish_tasks(ledger)
    assert (task["trigger"], task["location"], task["to_location"]) == ("demand", "A-01-03", "A-01-01")
    assert task["qty"] == 40  # all reserve has left after the pick from it: the face wants 60
    assert ledger.balance("MUG", "A-01-03") == (50, 50)
    assert ledger.verify().ok


def test_a_short_pick_with_reserve_stock_replenishes_urgently_and_reallocates(ledger):
    rules(ledger, RuleDecl("", "MUG", 1, 30))
    allocate(ledger, "S1", "MUG", 45)  # A-01-01 20, A-05-01 25
    ledger.ok(c.NextTask("next", operator="B1001"))
    first = next(t for t in ledger.tasks("S1") if t["location"] == "A-01-01")
    result = ledger.ok(c.ShortPick("short", first["id"], "A-01-01", 0, operator="B1001"))
    assert result == {"missing": 20, "reallocated": 20, "line_short": 0}  # no short line
    urgent = [t for t in replenish_tasks(ledger) if t["trigger"] == "urgent"]
    assert [(t["location"], t["to_location"]) for t in urgent] == [("A-01-03", "A-05-01")]  # not the face under count
    assert ledger.verify().ok
    ledger.ok(rc.RequestReplenishment("older", "MUG", "A-01-01", 1))  # a later, ordinary task
    got = ledger.ok(rc.NextReplenishment("next-r", operator="B1003"))["task"]
    assert got["trigger"] == "urgent"  # urgent work comes first


def test_replenishment_takes_reserve_lots_first_expiry_first(ledger):
    for i, (bin_, lot, expiry, qty) in enumerate([("A-07-03", "L5", date(2031, 1, 1), 8),
                                                  ("A-20-04", "L4", date(2029, 1, 1), 6),
                                                  ("A-06-03", "L9", date(2021, 1, 1), 9)]):
        ledger.ok(c.Receive(f"rcv-{i}", "MILK", qty, "RCV-01", lot, expiry))
        ledger.ok(c.Move(f"put-{i}", "MILK", qty, "RCV-01", bin_, lot))
    ledger.ok(rc.RequestReplenishment("ask", "MILK", "B-01-01", 10))
    assert [(t["location"], t["lot"], t["qty"]) for t in replenish_tasks(ledger)] == [
        ("A-20-04", "L4", 6), ("A-07-03", "L5", 4)]  # the far bin's lot expires first; L9 is expired
    assert ledger.verify().ok


def test_rules_from_pick_velocity(ledger):
    allocate(ledger, "S1", "MUG", 14)
    ledger.ok(c.NextTask("next", operator="B1001"))
    (pick,) = ledger.tasks("S1")
    ledger.ok(c.ConfirmPick("pick", pick["id"], "A-01-01", "MUG", "T00001", 14, operator="B1001"))
    assert ledger.ok(rc.RulesFromVelocity("vel", 7, 2)) == {"rules": {"MUG": {"min": 4, "max": 8}}}
    assert ledger.rows("SELECT zone, sku, min_qty, max_qty, source FROM replenish_rules") == [
        ("", "MUG", 4, 8, "velocity")]


@pytest.mark.parametrize("days", [0, -1, True])
def test_velocity_needs_a_whole_number_of_days(days):
    with pytest.raises(Exception, match="days"):
        rc.RulesFromVelocity("vel", days, 1)


def test_a_replenishment_handed_to_the_fleet_rides_a_pallet_to_the_face(ledger):
    rules(ledger, RuleDecl("", "MUG", 15, 40))
    (task_id,) = ledger.ok(rc.RequestReplenishment("ask", "MUG", "A-01-01", 12))["tasks"]
    handed = ledger.ok(rc.HandToFleet("robot", task_id, device="fleet"))
    assert (handed["from_location"], handed["to_location"]) == ("A-01-03", "A-01-01")
    assert ledger.balance("MUG", "A-01-03") == (50, 0)  # the transport holds the load now, not the task
    assert replenish_tasks(ledger)[0]["state"] == "done"
    ledger.refused(rc.HandToFleet("robot-again", task_id), "conflict", "not an open replenishment")
    assert ledger.rows("SELECT kind, source, destination, sku, qty, state FROM transport_tasks") == [
        ("replenish", "A-01-03", "A-01-01", "MUG", 12, "open")]
    ledger.ok(rc.RequestReplenishment("more", "MUG", "A-01-01"))  # the pallet on its way counts
    assert replenish_tasks(ledger)[-1]["qty"] == 40 - 20 - 12
    vehicle = ledger.scalar("SELECT code FROM locations WHERE type = 'robot' ORDER BY code LIMIT 1")
    transport = handed["transport_id"]
    for step in ("assign", "picked", "dropped"):
        ledger.ok(TransportStep(f"t-{step}", transport, step, vehicle=vehicle.removeprefix("ROBOT-")))
    assert ledger.balance("MUG", "A-01-01") == (32, 0)
    assert ledger.verify().ok
