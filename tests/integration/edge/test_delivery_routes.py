"""Central's delivery routes applied from the feed on a real ledger: stored with stops and
shipments, reported as applied, waves grouped by the van (cut off at its departure), a re-plan
replaces the route (latest version wins, a late older one changes nothing), and an entry that
breaks the contract is refused with a code while the feed moves on."""

from __future__ import annotations

from datetime import UTC, datetime

from test_batches import allocate

from edge.domain import batch_commands as b
from edge.domain import commands as c
from sync import feed as f

DEPARTS = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)


def route(route_id: str, version: int, stops: dict[str, list[str]], replaces: tuple[str, ...] = (),
          departs: datetime = DEPARTS) -> f.DeliveryRoute:
    return f.DeliveryRoute(
        route_id=route_id, warehouse_id="MSK-1", version=version, service_date=departs.date(),
        departs_at=departs, vehicle_id="van-1", replaces=list(replaces),
        stops=[f.RouteStop(stop=n, pickup_point_id=pp, shipment_ids=ids)
               for n, (pp, ids) in enumerate(stops.items(), start=1)])


def apply(ledger, seq: int, command) -> dict:
    (outcome,) = ledger.run(c.ApplyFeedEntry(f"feed:{seq}", seq, command))
    assert outcome.ok, outcome.message
    return outcome.result


def on_routes(ledger) -> list[tuple]:
    return ledger.rows("SELECT shipment_id, route_id, stop FROM route_shipments ORDER BY shipment_id")


def test_a_route_is_stored_reported_and_waves_its_shipments_by_the_van(ledger):
    for sid, pp in (("S1", "PVZ-1"), ("S2", "PVZ-2"), ("S3", "PVZ-1")):
        allocate(ledger, sid, ("MUG", 1), pickup_point=pp)
    result = apply(ledger, 1, route("rt-1", 5, {"PVZ-1": ["S1"], "PVZ-2": ["S2"]}))
    assert (result["stops"], result["shipments"]) == (2, 2)
    assert on_routes(ledger) == [("S1", "rt-1", 1), ("S2", "rt-1", 2)]
    assert ledger.rows("SELECT feed_seq, command_type, status FROM feed_outcomes") == [
        (1, "delivery_route", "applied")]

    ledger.ok(b.PlanWaves("plan-1", ("23:59",), "UTC"))
    waves = ledger.rows("SELECT w.cutoff, w.pickup_point, w.route_id, GROUP_CONCAT(ws.shipment_id) FROM waves w "
                        "JOIN wave_shipments ws ON ws.wave_id = w.id GROUP BY w.id ORDER BY w.id")
    assert (DEPARTS.isoformat(), "", "rt-1") in [w[:3] for w in waves]
    by_route = {w[2]: sorted(w[3].split(",")) for w in waves}
    assert by_route == {"rt-1": ["S1", "S2"], None: ["S3"]}  # S3 is on no route: by cut-off and pickup point
    assert ledger.verify().ok


def test_a_replan_replaces_the_route_and_a_late_older_version_changes_nothing(ledger):
    apply(ledger, 1, route("rt-1", 1, {"PVZ-1": ["S1", "S2"]}))
    apply(ledger, 2, route("rt-2", 2, {"PVZ-2": ["S2"], "PVZ-1": ["S1"]}, replaces=("rt-1",)))
    assert on_routes(ledger) == [("S1", "rt-2", 2), ("S2", "rt-2", 1)]
    assert ledger.rows("SELECT id, version FROM delivery_routes") == [("rt-2", 2)]

    again = apply(ledger, 3, route("rt-2", 2, {"PVZ-2": ["S2"], "PVZ-1": ["S1"]}, replaces=("rt-1",)))
    assert again["withdrawn"] == [] and on_routes(ledger) == [("S1", "rt-2", 2), ("S2", "rt-2", 1)]
    late = apply(ledger, 4, route("rt-2", 1, {"PVZ-9": ["S9"]}))
    assert late == {"feed_seq": 4, "route_id": "rt-2", "stale": True, "version": 2}
    assert on_routes(ledger) == [("S1", "rt-2", 2), ("S2", "rt-2", 1)]

    later = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    apply(ledger, 5, route("rt-2", 3, {"PVZ-1": ["S1"]}, departs=later))  # S2 taken off the van
    assert on_routes(ledger) == [("S1", "rt-2", 1)]
    assert ledger.rows("SELECT departs_at, feed_seq FROM delivery_routes") == [(later.isoformat(), 5)]


def test_a_route_that_breaks_the_contract_is_refused_with_a_code_and_the_feed_moves_on(ledger):
    good = route("rt-1", 1, {"PVZ-1": ["S1"]}).model_dump(mode="json")
    twice = {**good, "stops": [good["stops"][0], good["stops"][0]]}
    naive = {**good, "departs_at": "2026-03-02T07:30:00"}
    for seq, raw in enumerate((twice, naive), start=1):
        apply(ledger, seq, f.read_command(raw))
    rejections = ledger.rows("SELECT feed_seq, command_type, code, reason FROM feed_rejections ORDER BY feed_seq")
    assert [r[:3] for r in rejections] == [(1, "delivery_route", "invalid_entry"), (2, "delivery_route",
                                                                                 "invalid_entry")]
    assert "stop numbers repeat: [1, 1]" in rejections[0][3] and "departs_at" in rejections[1][3]
    assert on_routes(ledger) == []
    assert int(ledger.rows("SELECT value FROM sync_state WHERE name = 'feed_applied_seq'")[0][0]) == 2


def withdrawal(version: int, *route_ids: str) -> f.RouteWithdrawal:
    return f.RouteWithdrawal(warehouse_id="MSK-1", version=version, route_ids=list(route_ids),
                             reason="re-planned: no van of the 2026-03-02 plan leaves from here any more")


def waves(ledger) -> dict[str | None, list[str]]:
    """The live waves by route (None: by cut-off), with their shipments."""
    rows = ledger.rows("SELECT w.route_id, ws.shipment_id FROM waves w JOIN wave_shipments ws ON ws.wave_id = w.id "
                       "ORDER BY ws.shipment_id")
    found: dict[str | None, list[str]] = {}
    for route_id, sid in rows:
        found.setdefault(route_id, []).append(sid)
    return found


def test_a_withdrawn_route_leaves_the_floor_unless_the_floor_has_a_newer_version(ledger):
    apply(ledger, 1, route("rt-1", 1, {"PVZ-1": ["S1"]}))
    apply(ledger, 2, route("rt-2", 5, {"PVZ-2": ["S2"]}))
    empty = apply(ledger, 3, f.read_command({**withdrawal(3, "rt-1").model_dump(mode="json"), "route_ids": []}))
    assert empty["code"] == "invalid_entry" and "route_ids" in empty["rejected"]
    assert len(on_routes(ledger)) == 2  # refused: nothing withdrawn
    result = apply(ledger, 4, withdrawal(4, "rt-1", "rt-2", "rt-never-seen"))
    assert result["withdrawn"] == ["rt-1"]  # rt-2 is at version 5: newer than the withdrawal
    assert on_routes(ledger) == [("S2", "rt-2", 1)]
    assert ledger.rows("SELECT id FROM delivery_routes") == [("rt-2",)]
    assert ledger.rows("SELECT feed_seq, command_type, status FROM feed_outcomes ORDER BY feed_seq")[-1] == (
        4, "route_withdrawal", "applied")
    assert ledger.verify().ok


def test_a_shipment_waved_before_its_route_came_is_waved_again_with_its_van(ledger):
    for sid, pp in (("S1", "PVZ-1"), ("S2", "PVZ-1"), ("S3", "PVZ-2")):
        allocate(ledger, sid, ("MUG", 1), pickup_point=pp)
    ledger.ok(b.PlanWaves("plan-1", ("23:59",), "UTC"))
    assert waves(ledger) == {None: ["S1", "S2", "S3"]}
    released = ledger.rows("SELECT wave_id FROM wave_shipments WHERE shipment_id = 'S3'")[0][0]
    ledger.ok(b.ReleaseWave("rel-1", released))

    applied = apply(ledger, 1, route("rt-1", 1, {"PVZ-1": ["S1", "S2"], "PVZ-2": ["S3"]}))
    assert applied["rewaved"] == ["S1", "S2"]  # S3's wave is released: being picked, it stays
    assert ledger.rows("SELECT COUNT(*) FROM waves WHERE state = 'planned'") == [(0,)]  # the emptied wave went
    ledger.ok(b.PlanWaves("plan-2", ("23:59",), "UTC"))
    assert waves(ledger) == {"rt-1": ["S1", "S2"], None: ["S3"]}

    apply(ledger, 2, route("rt-1", 2, {"PVZ-1": ["S1"], "PVZ-2": ["S3"]}))  # S2 taken off the van
    apply(ledger, 3, withdrawal(3, "rt-1"))
    ledger.ok(b.PlanWaves("plan-3", ("23:59",), "UTC"))
    assert waves(ledger) == {None: ["S1", "S2", "S3"]}  # by cut-off again, S3 still in its released wave
    assert ledger.verify().ok
