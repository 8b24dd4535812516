"""Master control's view of one vehicle: fed by its state, connection and factsheet messages and
by what we send it; says what happened (events) and what to send again (bounded resends, QoS 0).

Pure: `now` is seconds on any monotonic clock, given by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.robots import events as ev
from devices.robots import lifecycle as lc
from devices.robots.errors import LocalError, OrderUpdateError
from devices.robots.factsheet import Limits, check_instant, check_order
from devices.robots.inbound import State
from devices.robots.messages import FINAL_ACTION_STATUSES, InstantActions, Order
from devices.robots.topics import VehicleId
from devices.robots.versions import Version

REJECTION_TYPES = ("validationError", "orderError", "orderUpdateError", "noRouteError")


@dataclass
class Outbound:
    subtopic: str  # "order" or "instantActions"
    message: Order | InstantActions


@dataclass
class _Pending:
    message: Order | InstantActions
    sent_at: float
    sends: int = 1


class VehicleLink:
    def __init__(self, vehicle: VehicleId, *, resend_after: float = 1.0, max_sends: int = 3) -> None:
        self.vehicle = vehicle
        self.resend_after, self.max_sends = resend_after, max_sends
        self.version: Version | None = None
        self.connection = "UNKNOWN"
        self.order_state = lc.NONE
        self.order: Order | None = None
        self.state: State | None = None
        self.limits = Limits()
        self.has_factsheet = False
        self._order_pending: _Pending | None = None
        self._instant_pending: dict[str, _Pending] = {}  # first actionId -> message
        self._action_types: dict[str, str] = {}  # every actionId we sent -> its type
        self._reported: set[str] = set()  # actionIds whose final status was already told

    # -- what we send -------------------------------------------------------------------------

    def send_order(self, order: Order, now: float) -> Outbound:
        """A new order, or an update of the current one; refused locally if VDA 5050 or the
        factsheet would make the vehicle refuse it."""
        check_order(order, self.limits)
        current = self.order
        if current is not None and order.order_id == current.order_id and self.order_state in lc.ACTIVE_STATES:
            self._check_update(current, order)
            self.order_state = lc.step(self.order_state, "update" if self.order_state == lc.ACCEPTED else "send")
        else:
            self.order_state = lc.step(self.order_state, "send")
        self.order = order
        self._action_types.update({a.action_id: a.action_type for p in (*order.nodes, *order.edges)
                                   for a in p.actions})
        self._order_pending = _Pending(order, now)
        return Outbound("order", order)

    def _check_update(self, current: Order, update: Order) -> None:
        if update.order_update_id <= current.order_update_id:
            raise OrderUpdateError(f"order {update.order_id}: update {update.order_update_id} is not above "
                                   f"{current.order_update_id}; the vehicle would refuse it")
        if self.order_state != lc.ACCEPTED:
            raise OrderUpdateError(f"order {update.order_id}: update {current.order_update_id} is not accepted yet")
        stitch = update.nodes[0]
        last = current.last_base_node
        if (stitch.node_id, stitch.sequence_id) != (last.node_id, last.sequence_id):
            raise OrderUpdateError(f"order {update.order_id}: an update must start at the end of the base "
                                   f"({last.node_id}/{last.sequence_id}), not {stitch.node_id}/{stitch.sequence_id}")

    def send_instant(self, message: InstantActions, now: float) -> Outbound:
        check_instant(message, self.limits)
        if not message.actions:
            raise LocalError("an instantActions message needs at least one action")
        for action in message.actions:
            self._action_types[action.action_id] = action.action_type
            if action.action_type == "cancelOrder" and self.order_state in lc.ACTIVE_STATES:
                self.order_state = lc.step(self.order_state, "cancel")
        self._instant_pending[message.actions[0].action_id] = _Pending(message, now)
        return Outbound("instantActions", message)

    # -- what the vehicle tells us ------------------------------------------------------------

    def on_version(self, version: Version) -> None:
        self.version = version

    def on_connection(self, state: str) -> list[ev.VehicleEvent]:
        before, self.connection = self.connection, state
        return [ev.ConnectionChanged(self.vehicle, before, state)] if before != state else []

    def on_factsheet(self, limits: Limits) -> list[ev.VehicleEvent]:
        self.limits, self.has_factsheet = limits, True
        self._answer_instant(lambda t: t == "factsheetRequest")
        return [ev.FactsheetReceived(self.vehicle, limits.speed_max, tuple(sorted(limits.load_types)),
                                     limits.max_nodes)]

    def on_state(self, state: State) -> list[ev.VehicleEvent]:
        before, self.state = self.state, state
        out: list[ev.VehicleEvent] = []
        if before is None or (before.last_node_id, before.last_node_sequence_id) != (
                state.last_node_id, state.last_node_sequence_id):
            out.append(ev.NodeReached(self.vehicle, state.last_node_id, state.last_node_sequence_id))
        self._answer_instant(lambda t: t == "stateRequest", state)
        out += self._actions_done(state)
        out += self._order_progress(state)
        new_fatal = state.fatal and (before is None or before.fatal != state.fatal)
        if new_fatal:
            out.append(ev.FatalError(self.vehicle, state.fatal))
        return out

    def _answer_instant(self, matches, state: State | None = None) -> None:
        for key, pending in list(self._instant_pending.items()):
            ids = pending.message.action_ids
            answered = state is not None and any(i in state.action_states for i in ids)
            if answered or all(matches(a.action_type) for a in pending.message.actions):
                del self._instant_pending[key]

    def _actions_done(self, state: State) -> list[ev.VehicleEvent]:
        out: list[ev.VehicleEvent] = []
        for action_id, status in state.action_states.items():
            if status in FINAL_ACTION_STATUSES and action_id in self._action_types and action_id not in self._reported:
                self._reported.add(action_id)
                errors = tuple(e for e in state.errors if e.names("actionId", action_id))
                out.append(ev.ActionDone(self.vehicle, action_id, self._action_types[action_id], status, errors))
        return out

    def _order_progress(self, state: State) -> list[ev.VehicleEvent]:
        order = self.order
        if order is None:
            return []
        echoed = (state.order_id, state.order_update_id) == (order.order_id, order.order_update_id)
        handler = {lc.SENT: self._awaiting_echo, lc.UPDATING: self._awaiting_echo, lc.ACCEPTED: self._running,
                   lc.CANCELLING: self._cancelling}.get(self.order_state)
        return handler(state, order, echoed) if handler else []

    def _awaiting_echo(self, state: State, order: Order, echoed: bool) -> list[ev.VehicleEvent]:
        if echoed:
            self.order_state = lc.step(self.order_state, "echo")
            self._order_pending = None
            return [ev.OrderAccepted(self.vehicle, order.order_id, order.order_update_id),
                    *self._running(state, order, True)]
        refusal = tuple(e for e in state.errors if e.error_type in REJECTION_TYPES
                        and e.names("orderId", order.order_id) and _names_update(e, order.order_update_id))
        if refusal:
            self.order_state = lc.step(self.order_state, "rejected")
            self._order_pending = None
            return [ev.OrderRejected(self.vehicle, order.order_id, order.order_update_id, refusal)]
        return []

    def _running(self, state: State, order: Order, echoed: bool) -> list[ev.VehicleEvent]:
        if state.order_id != order.order_id:  # rebooted or taken over: our order is gone
            self.order_state = lc.step(self.order_state, "failed")
            return [ev.OrderFailed(self.vehicle, order.order_id, f"the vehicle now reports order {state.order_id!r}")]
        if state.fatal:
            self.order_state = lc.step(self.order_state, "failed")
            kinds = ", ".join(e.error_type for e in state.fatal)
            return [ev.OrderFailed(self.vehicle, order.order_id, f"fatal error: {kinds}")]
        ids = order.action_ids
        final = all(state.action_states.get(i) in FINAL_ACTION_STATUSES for i in ids if i in state.action_states)
        if echoed and not state.node_states and not state.edge_states and final:
            self.order_state = lc.step(self.order_state, "finished")
            failed = tuple(i for i in ids if state.action_states.get(i) == "FAILED")
            return [ev.OrderFinished(self.vehicle, order.order_id, failed)]
        return []

    def _cancelling(self, state: State, order: Order, echoed: bool) -> list[ev.VehicleEvent]:
        cancels = [i for i, t in self._action_types.items() if t == "cancelOrder"]
        if any(state.action_states.get(i) in FINAL_ACTION_STATUSES for i in cancels):
            self.order_state = lc.step(self.order_state, "cancelled")
            self._order_pending = None
            dropped = tuple(n for n, _, _ in state.node_states)
            return [ev.OrderCancelled(self.vehicle, order.order_id, state.last_node_id, dropped)]
        return []

    # -- time ---------------------------------------------------------------------------------

    def tick(self, now: float) -> tuple[list[Outbound], list[ev.VehicleEvent]]:
        """Resend what no state has answered in `resend_after` seconds; give up after `max_sends`."""
        sends: list[Outbound] = []
        events: list[ev.VehicleEvent] = []
        pending = self._order_pending
        if pending and now - pending.sent_at >= self.resend_after:
            if pending.sends < self.max_sends:
                pending.sends, pending.sent_at = pending.sends + 1, now
                sends.append(Outbound("order", pending.message))
            else:
                self._order_pending = None
                self.order_state = lc.step(self.order_state, "unanswered")
                order = pending.message
                events.append(ev.OrderUnanswered(self.vehicle, order.order_id, order.order_update_id, pending.sends))
        for key, pending in list(self._instant_pending.items()):
            if now - pending.sent_at < self.resend_after:
                continue
            if pending.sends < self.max_sends:
                pending.sends, pending.sent_at = pending.sends + 1, now
                sends.append(Outbound("instantActions", pending.message))
            else:
                del self._instant_pending[key]
                types = tuple(a.action_type for a in pending.message.actions)
                if "cancelOrder" in types and self.order_state == lc.CANCELLING:
                    self.order_state = lc.step(self.order_state, "unanswered")
                events.append(ev.InstantUnanswered(self.vehicle, types, pending.sends))
        return sends, events

    @property
    def awaiting_answer(self) -> bool:
        return self._order_pending is not None or bool(self._instant_pending)


def _names_update(error, update_id: int) -> bool:
    """An error names our update when it references it, or references no update at all."""
    updates = [v for k, v in error.references if k == "orderUpdateId"]
    return not updates or str(update_id) in updates
