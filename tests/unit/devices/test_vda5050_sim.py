"""The simulated vehicle follows VDA 5050's order rules and physics; the referee counts what it must."""

from __future__ import annotations

from devices.robots import instant
from devices.robots.builders import Leg, OrderPlan, Stop
from devices.robots.messages import Action
from devices.robots.versions import V2_1
from simulators.agv.model import SimVehicle
from simulators.agv.referee import Referee


def order_plan() -> OrderPlan:
    stops = [Stop("a", 0, 0), Stop("b", 2, 0), Stop("c", 4, 0, (Action("drop", "o-drop"),)), Stop("d", 6, 0)]
    return OrderPlan("o", stops, [Leg("ab", 1.0), Leg("bc", 1.0), Leg("cd", 1.0)], "m")


def run(v: SimVehicle, seconds: float, dt: float = 0.1) -> None:
    for _ in range(int(seconds / dt)):
        v.step(dt)


def warnings(v: SimVehicle) -> list[str]:
    return [e["errorType"] for e in v.view.errors]


def test_drives_the_base_and_stops_at_its_end() -> None:
    v = SimVehicle("s", "a", 0.0, 0.0, speed_max=1.0)
    plan = order_plan()
    v.receive_order(plan.release(1).body(V2_1))
    run(v, 10)
    v.sync_view()
    assert (v.view.last_node_id, v.x, v.speed) == ("b", 2.0, 0.0)
    assert [n for n, _, _ in v.view.node_states] == ["c", "d"]  # the horizon, waiting
    v.receive_order(plan.release(3).body(V2_1))
    run(v, 20)
    v.sync_view()
    assert v.view.last_node_id == "d" and v.view.node_states == [] and v.actions["o-drop"][1] == "FINISHED"


def test_order_update_rules() -> None:
    v = SimVehicle("s", "a", 0.0, 0.0)
    plan = order_plan()
    first = plan.release(1).body(V2_1)
    v.receive_order(first)
    v.receive_order(first)  # the same id and update again: ignored
    assert warnings(v) == []
    later = plan.release(2).body(V2_1)
    v.receive_order(later)
    assert warnings(v) == [] and v.view.order_update_id == 1
    v.receive_order(later | {"orderUpdateId": 0})
    assert warnings(v) == ["orderUpdateError"] and v.view.order_update_id == 1
    other = OrderPlan("p", [Stop("a", 0, 0)], [], "m").release(0).body(V2_1)
    v.receive_order(other)
    assert warnings(v) == ["orderError"] and v.view.order_id == "o"  # busy with o


def test_new_order_must_start_where_the_vehicle_stands() -> None:
    v = SimVehicle("s", "x", 9.0, 9.0)
    v.receive_order(order_plan().release(1).body(V2_1))
    assert warnings(v) == ["noRouteError"] and v.view.order_id == ""


def test_cancel_pause_and_no_order_to_cancel() -> None:
    v = SimVehicle("s", "a", 0.0, 0.0)
    v.receive_instant(instant.cancel_order("c0").body(V2_1)["actions"])
    assert v.actions["c0"][1] == "FAILED" and warnings(v) == ["noOrderToCancel"]
    plan = order_plan()
    v.receive_order(plan.release(3).body(V2_1))
    run(v, 1.5)
    v.receive_instant(instant.start_pause("p").body(V2_1)["actions"])
    run(v, 1.5)
    assert v.speed == 0.0 and v.view.paused
    x = v.x
    run(v, 2)
    assert v.x == x
    v.receive_instant(instant.stop_pause("r").body(V2_1)["actions"])
    v.receive_instant(instant.cancel_order("c1").body(V2_1)["actions"])
    run(v, 5)
    assert v.actions["c1"][1] == "FINISHED" and v.nodes == [] and v.actions["o-drop"][1] == "FAILED"
    assert v.view.last_node_id in ("a", "b") and v.speed == 0.0


def test_referee_counts_a_shared_node_and_a_head_on_edge_once() -> None:
    referee = Referee({"a": (0.0, 0.0), "b": (2.0, 0.0)}, stall_seconds=5)
    one, two = SimVehicle("1", "a", 0.0, 0.0), SimVehicle("2", "a", 0.0, 0.0)
    referee.watch([one, two], 0.1, 0.0)
    referee.watch([one, two], 0.1, 0.0)
    assert referee.collisions == 1
    far = SimVehicle("3", "b", 2.0, 0.0)
    referee.watch([one, far], 0.1, 0.0)
    assert referee.collisions == 1
    plan_ab = OrderPlan("x", [Stop("a", 0, 0), Stop("b", 2, 0)], [Leg("ab")], "m").release(1).body(V2_1)
    plan_ba = OrderPlan("y", [Stop("b", 2, 0), Stop("a", 0, 0)], [Leg("ba")], "m").release(1).body(V2_1)
    one.receive_order(plan_ab)
    far.receive_order(plan_ba)
    run(one, 0.8)
    run(far, 0.8)
    referee.watch([one, far], 0.1, 1.0)
    assert referee.collisions == 2 and "head-on" in referee.incidents[-1]


def test_referee_counts_a_fleet_that_stops_with_work_to_do() -> None:
    referee = Referee({"a": (0.0, 0.0)}, stall_seconds=5)
    v = SimVehicle("1", "a", 0.0, 0.0)
    v.receive_order(order_plan().release(0).body(V2_1))  # only the horizon: waits for master control
    for _ in range(60):
        referee.watch([v], 0.1, 0.0)
    assert referee.deadlocks == 1
