"""The fleet controller, pure: dispatch, base released only as reserved, wait-for cycles broken,
charging and parking, vehicles lost mid-task, supervisor operations."""

from __future__ import annotations

import pytest

from devices.robots import events as ev
from devices.robots.inbound import read_state
from devices.robots.topics import VehicleId
from devices.robots.versions import V2_1
from edge.errors import Conflict, NotFound
from edge.fleet.config import parse_fleet
from edge.fleet.controller import FleetController
from edge.fleet.effects import FleetNote, SendInstant, SendOrder, TaskChanged
from edge.fleet.tasks import TransportTask, next_state
from edge.fleet.traffic import Reservations, pair, wait_cycles
from simulators.agv.payloads import StateView, state_body

PLACES = {"PACK-01": (0.0, 2.0), "A-01-01": (6.0, 1.0), "A-02-01": (3.0, 1.0)}
DOC = {"fleet": {
    "vehicles": [{"manufacturer": "acme", "serial": "v{n}", "count": 3, "load_types": ["tote"]}],
    "charge_below": 25, "lookahead": 2,
    "lanes": [{"prefix": "R", "from": [0, 0], "to": [6, 0], "count": 7, "two_way": True}],
    "nodes": [{"id": "PK", "x": 0.0, "y": 2.0, "kind": "station", "location": "PACK-01"},
              {"id": "CH", "x": 6.0, "y": 2.0, "kind": "charger"},
              {"id": "PA", "x": 3.0, "y": -2.0, "kind": "parking"},
              {"id": "PB", "x": 4.0, "y": -2.0, "kind": "parking"}],
    "edges": [{"from": "R01", "to": "PK"}, {"from": "R07", "to": "CH"}, {"from": "R04", "to": "PA"},
              {"from": "R05", "to": "PB"}]}}
V1, V2, V3 = (VehicleId("acme", f"v{n}") for n in (1, 2, 3))


def controller(**starts: str) -> FleetController:
    ctl = FleetController(parse_fleet(DOC, "w.toml", PLACES))
    for name, node in starts.items():
        vid = VehicleId("acme", name)
        ctl.on_event(ev.ConnectionChanged(vid, "UNKNOWN", "ONLINE"), 0.0)
        ctl.on_event(ev.FactsheetReceived(vid, 1.0, ("tote",), 40), 0.0)
        ctl.on_event(ev.NodeReached(vid, node, 0), 0.0)
    ctl.take_effects()
    return ctl


def orders(effects) -> dict[str, list]:
    out: dict[str, list] = {}
    for e in effects:
        if isinstance(e, SendOrder):
            out.setdefault(e.vehicle.serial, []).append(e.order)
    return out


def accept(ctl: FleetController, vid: VehicleId, order, now: float = 0.0) -> None:
    ctl.on_event(ev.OrderAccepted(vid, order.order_id, order.order_update_id), now)


def reach(ctl: FleetController, vid: VehicleId, order, node: str, now: float = 0.0) -> None:
    seq = next(n.sequence_id for n in order.nodes if n.node_id == node)
    ctl.on_event(ev.NodeReached(vid, node, seq), now)


def battery(ctl: FleetController, vid: VehicleId, charge: float) -> None:
    ctl.observe(vid, read_state(state_body(StateView(battery=charge), V2_1) | {"headerId": 0, "version": "2.1.0"}))


def test_task_goes_to_the_nearest_idle_vehicle_with_base_only_as_reserved() -> None:
    ctl = controller(v1="R01", v2="R05")
    ctl.add_task(TransportTask(1, "tote", "T1", "A-01-01", "PACK-01"))
    ctl.step(0.0)
    effects = ctl.take_effects()
    (order,) = orders(effects)["v2"]
    assert [n.node_id for n in order.nodes][:3] == ["R05", "R06", "R07"]
    base = [n.node_id for n in order.base_nodes]
    assert base == ["R05", "R06", "R07"]  # lookahead 2 past where it stands
    assert all(ctl.res.nodes[n] == "acme/v2" for n in base)
    assert all(n.node_id not in ctl.res.nodes or ctl.res.nodes[n.node_id] != "acme/v2"
               for n in order.horizon_nodes if n.node_id not in base)
    assert [a.action_type for n in order.nodes for a in n.actions] == ["pick", "drop"]
    assert next(e for e in effects if isinstance(e, TaskChanged)).trigger == "assign"


def test_more_is_released_only_after_acceptance_and_progress() -> None:
    ctl = controller(v2="R05")
    ctl.add_task(TransportTask(1, "tote", "T1", "A-02-01", "PACK-01"))
    ctl.step(0.0)
    (first,) = orders(ctl.take_effects())["v2"]
    ctl.step(0.1)
    assert orders(ctl.take_effects()) == {}  # nothing more until the vehicle echoes the order
    accept(ctl, V2, first)
    reach(ctl, V2, first, "R04")
    (update,) = orders(ctl.take_effects())["v2"]
    assert update.order_update_id == 1 and update.nodes[0].node_id == "R03"
    assert "R05" not in ctl.res.nodes  # left behind, let go


def test_a_held_node_makes_the_next_vehicle_wait() -> None:
    ctl = controller(v1="R03", v2="PB")
    ctl.add_task(TransportTask(1, "tote", "T1", "A-02-01", "PACK-01"))  # v1 (nearest) takes it, standing on R03
    ctl.step(0.0)
    ctl.take_effects()
    ctl.add_task(TransportTask(2, "tote", "T2", "PACK-01", "A-01-01"))
    ctl.step(0.0)
    (order,) = orders(ctl.take_effects())["v2"]
    released = [n.node_id for n in order.base_nodes]
    assert "R03" not in released and ctl.vehicles["acme/v2"].trip.waiting_on in (None, "acme/v1")
    assert not set(released) & ctl.res.held_by("acme/v1")


def test_head_on_wait_cycle_is_broken_by_backing_off_to_a_side_node() -> None:
    ctl = controller(v1="R03", v2="R05")
    assert ctl.send_to_charger("acme/v1") == "CH"  # v1 heads east, through R05
    ctl.add_task(TransportTask(1, "tote", "T1", "A-02-01", "PACK-01"))  # v2 heads west, through R04
    ctl.step(0.0)
    sent = orders(ctl.take_effects())
    (east,), (west,) = sent["v1"], sent["v2"]
    assert [n.node_id for n in east.base_nodes] == ["R03", "R04"] and [n.node_id for n in west.base_nodes] == [
        "R05"]
    accept(ctl, V1, east)
    accept(ctl, V2, west)
    reach(ctl, V1, east, "R04")
    ctl.take_effects()
    assert ctl.vehicles["acme/v1"].trip.waiting_on == "acme/v2"
    assert ctl.vehicles["acme/v2"].trip.waiting_on == "acme/v1"
    ctl.step(1.0)
    effects = ctl.take_effects()
    (backoff,) = orders(effects)["v1"]
    assert [(n.node_id, n.released) for n in backoff.nodes[:3]] == [("R04", True), ("PA", True), ("R04", False)]
    assert backoff.nodes[-1].node_id == "CH" and ctl.counts["cycles_broken"] == 1
    assert any(isinstance(e, FleetNote) and e.kind == "DeadlockBroken" for e in effects)


def test_wait_cycles_are_found() -> None:
    assert wait_cycles({"a": "b", "b": "a", "c": "a"}) == [["a", "b"]]
    assert sorted(map(sorted, wait_cycles({"a": "b", "b": "c", "c": "a", "d": "e", "e": "d"}))) == [
        ["a", "b", "c"], ["d", "e"]]
    assert wait_cycles({"a": "b", "b": "c"}) == []


def test_reservations_hold_nodes_and_edges_both_ways() -> None:
    res = Reservations()
    res.take("a", "n2", pair("n1", "n2"))
    assert res.blocker("b", "n2", None) == "a"
    assert res.blocker("b", "n0", pair("n2", "n1")) == "a"  # the same edge, driven the other way
    assert res.blocker("a", "n2", pair("n1", "n2")) is None
    res.keep_only("a", {"n1"}, set())
    assert res.nodes == {} and res.edges == {}


def test_lost_before_the_pick_the_task_is_dispatched_again() -> None:
    ctl = controller(v1="R03", v2="PB")
    ctl.add_task(TransportTask(1, "tote", "T1", "A-02-01", "PACK-01"))
    ctl.step(0.0)
    ctl.take_effects()
    first = ctl.tasks[1].vehicle
    ctl.on_event(ev.ConnectionChanged(VehicleId("acme", first.split("/")[1]), "ONLINE", "CONNECTIONBROKEN"), 1.0)
    ctl.step(1.0 + ctl.cfg.offline_grace_s + 0.1)
    changes = [e for e in ctl.take_effects() if isinstance(e, TaskChanged)]
    assert [c.trigger for c in changes] == ["unassign", "assign"]
    assert changes[0].place == "A-02-01" and ctl.tasks[1].vehicle not in (None, first)
    assert ctl.counts["redispatched"] == 1


def test_lost_carrying_the_load_hands_the_task_to_a_person_with_its_place() -> None:
    ctl = controller(v2="R05")
    ctl.add_task(TransportTask(1, "tote", "T1", "A-02-01", "PACK-01"))
    ctl.step(0.0)
    (order,) = orders(ctl.take_effects())["v2"]
    accept(ctl, V2, order)
    pick = order.action_ids[0]
    ctl.on_event(ev.ActionDone(V2, pick, "pick", "FINISHED"), 0.5)
    assert ctl.tasks[1].state == "underway"
    ctl.on_event(ev.OrderFailed(V2, order.order_id, "fatal error: motorFault"), 0.6)
    failed = [e for e in ctl.take_effects() if isinstance(e, TaskChanged)][-1]
    assert failed.state == "failed" and failed.place.startswith("on vehicle acme/v2 at node ")
    assert ctl.vehicles["acme/v2"].state == "FAULT" and ctl.counts["tasks_failed"] == 1


def test_low_battery_goes_to_a_free_charger_and_idle_vehicles_park() -> None:
    ctl = controller(v1="R02", v2="R06")
    battery(ctl, V1, 15.0)
    ctl.step(0.0)
    sent = orders(ctl.take_effects())
    assert sent["v1"][0].nodes[-1].node_id == "CH"
    assert [a.action_type for a in sent["v1"][0].nodes[-1].actions] == ["startCharging"]
    assert sent["v2"][0].nodes[-1].node_id in ("PA", "PB")


def test_a_low_vehicle_gets_no_task() -> None:
    ctl = controller(v1="R05")
    battery(ctl, V1, 10.0)
    ctl.add_task(TransportTask(1, "tote", "T1", "A-01-01", "PACK-01"))
    ctl.step(0.0)
    assert ctl.tasks[1].state == "open"


def test_load_type_must_match() -> None:
    ctl = controller(v1="R05")
    ctl.add_task(TransportTask(1, "replenish", "PAL", "A-01-01", "PACK-01", load_type="pallet"))
    ctl.step(0.0)
    assert ctl.tasks[1].state == "open"


def test_pause_all_pauses_online_vehicles_and_holds_dispatch() -> None:
    ctl = controller(v1="R01", v2="R05")
    assert ctl.pause_all() == 2
    effects = ctl.take_effects()
    assert sorted(e.vehicle.serial for e in effects if isinstance(e, SendInstant)) == ["v1", "v2"]
    ctl.add_task(TransportTask(1, "tote", "T1", "A-01-01", "PACK-01"))
    ctl.step(0.0)
    assert ctl.tasks[1].state == "open"
    ctl.resume_all()
    ctl.step(0.1)
    assert ctl.tasks[1].state == "assigned"


def test_supervisor_operations_refuse_clearly() -> None:
    ctl = controller(v1="R01")
    with pytest.raises(NotFound, match="no vehicle"):
        ctl.cancel("acme/v9")
    with pytest.raises(Conflict, match="no order to cancel"):
        ctl.cancel("acme/v1")
    assert ctl.send_to_charger("acme/v1") == "CH"
    with pytest.raises(Conflict, match="cancel its order first"):
        ctl.send_to_charger("acme/v1")
    with pytest.raises(NotFound, match="not in the warehouse file"):
        ctl.add_task(TransportTask(1, "tote", "T1", "Z-99", "PACK-01"))


@pytest.mark.parametrize("state, trigger, after", [
    ("open", "assign", "assigned"), ("assigned", "unassign", "open"), ("assigned", "picked", "underway"),
    ("underway", "dropped", "done"), ("underway", "fail", "failed"), ("assigned", "fail", "failed")])
def test_task_lifecycle(state: str, trigger: str, after: str) -> None:
    assert next_state(state, trigger) == after


@pytest.mark.parametrize("state, trigger", [("open", "picked"), ("done", "assign"), ("underway", "unassign"),
                                            ("failed", "dropped")])
def test_task_lifecycle_refuses_the_rest(state: str, trigger: str) -> None:
    with pytest.raises(Conflict, match=trigger):
        next_state(state, trigger)
