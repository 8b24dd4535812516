"""The master-side state machine of one vehicle: every transition of an order's life, bounded
resends, connection tracking, factsheet limits."""

from __future__ import annotations

import pytest

from devices.robots import events as ev
from devices.robots import instant
from devices.robots import lifecycle as lc
from devices.robots.builders import Leg, OrderPlan, Stop
from devices.robots.errors import LimitExceeded, LocalError, OrderUpdateError
from devices.robots.factsheet import read_factsheet
from devices.robots.inbound import read_state
from devices.robots.messages import Action, InstantActions
from devices.robots.topics import VehicleId
from devices.robots.vehicle import VehicleLink
from devices.robots.versions import V2_1
from simulators.agv.payloads import StateView, error, factsheet_body, state_body

AGV = VehicleId("acme", "agv-1")


def state(**kw):
    body = state_body(StateView(**kw), V2_1) | {"headerId": 0, "version": "2.1.0"}
    return read_state(body)


def route(order_id: str = "o1", n: int = 3) -> OrderPlan:
    stops = [Stop(f"n{i}", float(i), 0.0) for i in range(n)]
    stops[0] = Stop("n0", 0.0, 0.0, (Action("pick", f"{order_id}-pick"),))
    stops[-1] = Stop(f"n{n - 1}", n - 1.0, 0.0, (Action("drop", f"{order_id}-drop"),))
    return OrderPlan(order_id, stops, [Leg(f"e{i}") for i in range(n - 1)], "floor")


def accepted(link: VehicleLink, plan: OrderPlan, upto: int) -> None:
    order = plan.release(upto)
    link.send_order(order, 0.0)
    nodes = [(n.node_id, n.sequence_id, n.released) for n in order.nodes]
    link.on_state(state(order_id=order.order_id, order_update_id=order.order_update_id, node_states=nodes,
                        last_node_id="n0", action_states=[(i, "x", "WAITING") for i in order.action_ids]))


def kinds(events) -> list[str]:
    return [type(e).__name__ for e in events]


def test_order_counts_as_accepted_only_when_a_state_echoes_id_and_update() -> None:
    link = VehicleLink(AGV)
    plan = route()
    link.send_order(plan.release(1), 0.0)
    assert link.order_state == lc.SENT
    assert not any(isinstance(e, ev.OrderAccepted) for e in link.on_state(state(order_id="older")))
    assert ev.OrderAccepted(AGV, "o1", 0) in link.on_state(state(order_id="o1", node_states=[("n0", 0, True)]))
    assert link.order_state == lc.ACCEPTED and not link.awaiting_answer


def test_update_is_echoed_then_order_finishes_when_nothing_is_left_and_actions_are_final() -> None:
    link = VehicleLink(AGV)
    plan = route()
    accepted(link, plan, 1)
    link.send_order(plan.release(2), 1.0)
    assert link.order_state == lc.UPDATING
    link.on_state(state(order_id="o1", order_update_id=0, node_states=[("n1", 2, True)]))
    assert link.order_state == lc.UPDATING  # the old update echoed is not the new one accepted
    link.on_state(state(order_id="o1", order_update_id=1, node_states=[("n2", 4, True)], last_node_id="n1",
                        last_node_sequence_id=2, action_states=[("o1-pick", "pick", "FINISHED"),
                                                                ("o1-drop", "drop", "RUNNING")]))
    assert link.order_state == lc.ACCEPTED
    out = link.on_state(state(order_id="o1", order_update_id=1, last_node_id="n2", last_node_sequence_id=4,
                              action_states=[("o1-pick", "pick", "FINISHED"), ("o1-drop", "drop", "FINISHED")]))
    assert ev.OrderFinished(AGV, "o1", ()) in out
    assert ev.ActionDone(AGV, "o1-drop", "drop", "FINISHED") in out
    assert link.order_state == lc.FINISHED


def test_base_done_with_horizon_left_is_not_finished() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(), 1)
    link.on_state(state(order_id="o1", node_states=[("n2", 4, False)], edge_states=[("e1", 3, False)],
                        last_node_id="n1", last_node_sequence_id=2,
                        action_states=[("o1-pick", "pick", "FINISHED"), ("o1-drop", "drop", "WAITING")]))
    assert link.order_state == lc.ACCEPTED


def test_failed_action_finishes_the_order_and_names_the_action() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(), 2)
    out = link.on_state(state(order_id="o1", last_node_id="n2", last_node_sequence_id=4,
                              action_states=[("o1-pick", "pick", "FINISHED"), ("o1-drop", "drop", "FAILED")],
                              errors=[error("dropFailed", actionId="o1-drop")]))
    assert ev.OrderFinished(AGV, "o1", ("o1-drop",)) in out
    done = [e for e in out if isinstance(e, ev.ActionDone) and e.status == "FAILED"]
    assert done[0].errors[0].error_type == "dropFailed"


def test_order_rejected_when_the_states_errors_name_it() -> None:
    link = VehicleLink(AGV)
    link.send_order(route().release(1), 0.0)
    out = link.on_state(state(errors=[error("validationError", orderId="o1", orderUpdateId=0)]))
    assert kinds(out)[-1] == "OrderRejected" and link.order_state == lc.REJECTED
    assert not link.awaiting_answer
    link.send_order(route("o2").release(1), 1.0)  # a rejected vehicle takes a fresh order
    assert link.order_state == lc.SENT


def test_error_about_another_order_does_not_reject_ours() -> None:
    link = VehicleLink(AGV)
    link.send_order(route().release(1), 0.0)
    link.on_state(state(errors=[error("validationError", orderId="zzz")]))
    assert link.order_state == lc.SENT


def test_rejected_update_keeps_the_previous_base() -> None:
    link = VehicleLink(AGV)
    plan = route()
    accepted(link, plan, 1)
    link.send_order(plan.release(2), 1.0)
    out = link.on_state(state(order_id="o1", order_update_id=0, node_states=[("n1", 2, True)],
                              errors=[error("orderUpdateError", orderId="o1", orderUpdateId=1)]))
    assert "OrderRejected" in kinds(out) and link.order_state == lc.ACCEPTED


def test_lower_or_equal_order_update_id_is_refused_before_sending() -> None:
    link = VehicleLink(AGV)
    plan = route()
    accepted(link, plan, 1)
    stale = plan.release(2)
    object.__setattr__(stale, "order_update_id", 0)
    with pytest.raises(OrderUpdateError, match="not above 0"):
        link.send_order(stale, 1.0)
    assert link.order_state == lc.ACCEPTED


def test_update_must_stitch_to_the_end_of_the_base_and_wait_for_acceptance() -> None:
    link = VehicleLink(AGV)
    plan = route(n=4)
    link.send_order(plan.release(1), 0.0)
    with pytest.raises(OrderUpdateError, match="not accepted yet"):
        link.send_order(plan.release(2), 0.5)
    other = VehicleLink(AGV)
    p2 = route(n=4)
    accepted(other, p2, 1)
    wrong = p2.release(2)
    object.__setattr__(wrong, "nodes", wrong.nodes[1:])
    with pytest.raises(OrderUpdateError, match="must start at the end of the base"):
        other.send_order(wrong, 1.0)


def test_unanswered_order_is_resent_a_bounded_number_of_times_then_reported() -> None:
    link = VehicleLink(AGV, resend_after=1.0, max_sends=3)
    order = route().release(1)
    link.send_order(order, 0.0)
    assert link.tick(0.5) == ([], [])
    sends = [link.tick(t)[0] for t in (1.0, 2.0)]
    assert [len(s) for s in sends] == [1, 1] and sends[0][0].message is order
    out, events = link.tick(3.0)
    assert out == [] and events == [ev.OrderUnanswered(AGV, "o1", 0, 3)]
    assert link.order_state == lc.UNANSWERED
    assert link.tick(10.0) == ([], [])  # never resent forever


def test_instant_action_never_answered_is_reported_after_bounded_resends() -> None:
    link = VehicleLink(AGV, resend_after=0.5, max_sends=2)
    link.send_instant(instant.start_pause("p1"), 0.0)
    assert len(link.tick(0.5)[0]) == 1
    assert link.tick(1.0) == ([], [ev.InstantUnanswered(AGV, ("startPause",), 2)])


def test_instant_action_answered_by_its_action_state() -> None:
    link = VehicleLink(AGV)
    link.send_instant(instant.start_pause("p1"), 0.0)
    out = link.on_state(state(paused=True, action_states=[("p1", "startPause", "FINISHED")]))
    assert ev.ActionDone(AGV, "p1", "startPause", "FINISHED") in out
    assert link.tick(5.0) == ([], [])


def test_state_request_is_answered_by_any_state() -> None:
    link = VehicleLink(AGV)
    link.send_instant(instant.state_request("s1"), 0.0)
    link.on_state(state())
    assert not link.awaiting_answer


def test_factsheet_request_answered_by_factsheet_and_limits_respected() -> None:
    link = VehicleLink(AGV)
    link.send_instant(instant.factsheet_request("f1"), 0.0)
    assert link.on_factsheet(read_factsheet(factsheet_body(1.0, ("tote",), max_nodes=2))) == [
        ev.FactsheetReceived(AGV, 1.0, ("tote",), 2)]
    assert not link.awaiting_answer and link.limits.speed_max == 1.0
    with pytest.raises(LimitExceeded, match="3 nodes"):
        link.send_order(route().release(1), 1.0)
    assert link.order_state == lc.NONE
    with pytest.raises(LimitExceeded, match="instant"):
        link.send_instant(InstantActions((Action("fly", "z"),)), 1.0)


def test_cancel_confirmed_drops_the_horizon_the_vehicle_still_listed() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(n=4), 1)
    link.send_instant(instant.cancel_order("c1"), 1.0)
    assert link.order_state == lc.CANCELLING
    running = link.on_state(state(order_id="o1", action_states=[("c1", "cancelOrder", "RUNNING")],
                                  node_states=[("n2", 4, False)]))
    assert link.order_state == lc.CANCELLING and "OrderCancelled" not in kinds(running)
    out = link.on_state(state(order_id="o1", last_node_id="n1", last_node_sequence_id=2,
                              node_states=[("n2", 4, False), ("n3", 6, False)],
                              action_states=[("c1", "cancelOrder", "FINISHED"), ("o1-drop", "drop", "FAILED")]))
    assert ev.OrderCancelled(AGV, "o1", "n1", ("n2", "n3")) in out
    assert link.order_state == lc.CANCELLED


def test_cancel_order_to_a_vehicle_with_no_order() -> None:
    link = VehicleLink(AGV)
    link.send_instant(instant.cancel_order("c1"), 0.0)
    assert link.order_state == lc.NONE
    out = link.on_state(state(action_states=[("c1", "cancelOrder", "FAILED")],
                              errors=[error("noOrderToCancel", actionId="c1")]))
    done = [e for e in out if isinstance(e, ev.ActionDone)]
    assert done[0].status == "FAILED" and done[0].errors[0].error_type == "noOrderToCancel"
    assert link.order_state == lc.NONE and not link.awaiting_answer


def test_cancel_never_confirmed_leaves_the_order_failed() -> None:
    link = VehicleLink(AGV, resend_after=1.0, max_sends=1)
    accepted(link, route(), 1)
    link.send_instant(instant.cancel_order("c1"), 0.0)
    assert link.tick(1.0)[1] == [ev.InstantUnanswered(AGV, ("cancelOrder",), 1)]
    assert link.order_state == lc.FAILED


def test_fatal_error_mid_order_fails_it_once() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(), 1)
    fatal = [error("motorFault", "FATAL")]
    out = link.on_state(state(order_id="o1", node_states=[("n1", 2, True)], errors=fatal))
    assert "OrderFailed" in kinds(out) and "FatalError" in kinds(out)
    assert link.order_state == lc.FAILED
    assert "FatalError" not in kinds(link.on_state(state(order_id="o1", errors=fatal)))


def test_connection_states_tracked_and_reconnect_mid_order_keeps_the_order() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(), 1)
    assert link.on_connection("ONLINE") == [ev.ConnectionChanged(AGV, "UNKNOWN", "ONLINE")]
    assert link.on_connection("ONLINE") == []
    assert link.on_connection("CONNECTIONBROKEN") == [ev.ConnectionChanged(AGV, "ONLINE", "CONNECTIONBROKEN")]
    link.on_connection("ONLINE")
    link.on_state(state(order_id="o1", node_states=[("n1", 2, True)], last_node_id="n0"))
    assert link.order_state == lc.ACCEPTED


def test_vehicle_that_comes_back_without_our_order_fails_it() -> None:
    link = VehicleLink(AGV)
    accepted(link, route(), 1)
    link.on_connection("OFFLINE")
    out = link.on_state(state(order_id=""))  # rebooted: no order
    assert "OrderFailed" in kinds(out) and link.order_state == lc.FAILED


def test_node_reached_when_last_node_changes() -> None:
    link = VehicleLink(AGV)
    assert link.on_state(state(last_node_id="a", last_node_sequence_id=0)) == [ev.NodeReached(AGV, "a", 0)]
    assert link.on_state(state(last_node_id="a", last_node_sequence_id=0)) == []


@pytest.mark.parametrize("start, trigger", [(lc.NONE, "echo"), (lc.FINISHED, "cancelled"), (lc.SENT, "finished"),
                                            (lc.CANCELLED, "update")])
def test_transitions_outside_the_table_are_refused(start: str, trigger: str) -> None:
    with pytest.raises(LocalError, match=trigger):
        lc.step(start, trigger)


def test_every_active_state_can_be_cancelled_and_every_idle_one_takes_a_new_order() -> None:
    for active in (lc.SENT, lc.ACCEPTED, lc.UPDATING):
        assert lc.step(active, "cancel") == lc.CANCELLING
    for idle in lc.IDLE_STATES:
        assert lc.step(idle, "send") == lc.SENT
