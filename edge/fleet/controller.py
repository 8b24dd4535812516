"""The fleet controller: transport tasks to vehicles, base released only as it is reserved,
wait-for cycles broken, charging and parking, failures. Pure: events and `now` in, effects out."""

from __future__ import annotations

import itertools
import math

from devices.robots import events as ev
from devices.robots import instant
from devices.robots.inbound import State
from devices.robots.messages import Action
from devices.robots.topics import VehicleId
from edge.errors import Conflict, NotFound
from edge.fleet.config import FleetConfig
from edge.fleet.dispatch import best_vehicle, free_spot
from edge.fleet.effects import Effect, FleetNote, SendInstant, SendOrder, TaskChanged
from edge.fleet.tasks import ASSIGNED, OPEN, UNDERWAY, TransportTask
from edge.fleet.traffic import Reservations, pair, wait_cycles
from edge.fleet.trips import CHARGE, PARK, TASK, Waypoint, new_trip, reroute
from edge.fleet.vehicles import FleetVehicle

STUCK_AFTER_S = 2.0  # waiting this long on a vehicle that is not going anywhere: go around it


class FleetController:
    def __init__(self, cfg: FleetConfig) -> None:
        self.cfg, self.graph = cfg, cfg.graph
        self.vehicles: dict[str, FleetVehicle] = {
            str(VehicleId(v.manufacturer, v.serial)): FleetVehicle(VehicleId(v.manufacturer, v.serial), v.load_types)
            for v in cfg.vehicles}
        self.tasks: dict[int, TransportTask] = {}
        self.res = Reservations()
        self.paused = False
        self.effects: list[Effect] = []
        self.counts = {"tasks_done": 0, "tasks_failed": 0, "redispatched": 0, "cycles_broken": 0, "charges": 0}
        self._ids = itertools.count(1)

    def take_effects(self) -> list[Effect]:
        out, self.effects = self.effects, []
        return out

    # -- tasks ----------------------------------------------------------------------------------

    def pickup_node(self, location: str) -> str:
        """The node a vehicle serves `location` from: the node that names it, else the lane node
        nearest to it (a rack bin is served from the lane beside it)."""
        node = self.graph.node_for_location(location)
        if node is not None:
            return node.id
        if location in self.cfg.places:
            return self.graph.nearest(*self.cfg.places[location]).id
        raise NotFound(f"location {location!r} is not in the warehouse file, so no vehicle can go there")

    def add_task(self, task: TransportTask) -> None:
        self.pickup_node(task.source)
        self.pickup_node(task.destination)
        self.tasks[task.id] = task

    # -- what vehicles tell us ------------------------------------------------------------------

    def observe(self, vehicle: VehicleId, state: State) -> None:
        v = self.vehicles[str(vehicle)]
        if state.position is not None:
            v.distance += math.hypot(state.position.x - v.x, state.position.y - v.y) if v.node else 0.0
            v.x, v.y = state.position.x, state.position.y
        v.battery, v.charging, v.driving = state.battery, state.charging, state.driving
        v.paused = bool(state.paused)
        if v.fault and not state.fatal:
            v.fault = None
            self._settle(v)

    def on_event(self, event: ev.VehicleEvent, now: float) -> None:
        v = self.vehicles[str(event.vehicle)]
        match event:
            case ev.ConnectionChanged(after=after):
                self._connection(v, after, now)
            case ev.NodeReached(node_id=node_id, sequence_id=seq):
                self._node_reached(v, node_id, seq, now)
            case ev.OrderAccepted():
                if v.trip is not None and v.trip.plan.order_id == event.order_id:
                    v.trip.awaiting = False
                    self._advance(v, now)
            case ev.ActionDone():
                self._action_done(v, event)
            case ev.OrderFinished() | ev.OrderCancelled():
                self._trip_over(v, event)
            case ev.OrderRejected() | ev.OrderUnanswered() | ev.OrderFailed():
                self._trip_failed(v, event)
            case ev.FactsheetReceived():
                self._factsheet(v, event)
            case ev.FatalError(errors=errors):
                v.fault = ", ".join(e.error_type for e in errors)
                self.note("VehicleFault", v, fault=v.fault)

    def _factsheet(self, v: FleetVehicle, event: ev.FactsheetReceived) -> None:
        v.speed_max, v.max_nodes = event.speed_max, event.max_nodes
        if event.load_types:
            v.load_types = tuple(sorted(set(v.load_types) & set(event.load_types))) or v.load_types

    def _connection(self, v: FleetVehicle, after: str, now: float) -> None:
        was_lost, was_online = v.lost, v.online
        v.online = after == "ONLINE"
        v.offline_since = None if v.online else now
        self.note("VehicleConnection", v, connection=after)
        if v.online and not was_online:
            self._instant(v, instant.factsheet_request(f"fs-{next(self._ids)}"))
        if v.online and was_lost:
            v.lost = False
            # it may still hold an order of ours from before: clear it before it gets new work
            self._instant(v, instant.cancel_order(f"clear-{next(self._ids)}"))

    def _node_reached(self, v: FleetVehicle, node_id: str, seq: int, now: float) -> None:
        v.node = node_id
        trip = v.trip
        if trip is None:
            if not self.res.hold_node(v.key, node_id):
                self.note("VehicleConflict", v, node=node_id, holder=self.res.nodes.get(node_id))
            return
        index = seq // 2
        if index < len(trip.path) and trip.path[index] == node_id:
            trip.reached = max(trip.reached, index)
        self._free_behind(v)
        self._advance(v, now)

    def _action_done(self, v: FleetVehicle, event: ev.ActionDone) -> None:
        trip = v.trip
        if event.action_type == "startCharging" and event.status == "FINISHED":
            self.counts["charges"] += 1
        if trip is None or trip.task_id is None or event.action_id in trip.done_actions:
            return
        trip.done_actions.add(event.action_id)
        task = self.tasks[trip.task_id]
        if event.status != "FINISHED":
            return  # the order finishes with this action FAILED: handled there
        if event.action_type == "pick" and task.state == ASSIGNED:
            self._task(task, "picked", v, place=f"on vehicle {v.key}")
        elif event.action_type == "drop" and task.state == UNDERWAY:
            self._task(task, "dropped", v, place=task.destination)
            self.counts["tasks_done"] += 1

    def _trip_over(self, v: FleetVehicle, event: ev.VehicleEvent) -> None:
        trip = v.trip
        if trip is None:
            return
        if trip.task_id is not None:
            task = self.tasks[trip.task_id]
            if task.state in (ASSIGNED, UNDERWAY):
                why = "cancelled" if isinstance(event, ev.OrderCancelled) else "an action failed"
                self._task_lost(task, v, why)
        v.trip = None
        self._settle(v)

    def _trip_failed(self, v: FleetVehicle, event: ev.VehicleEvent) -> None:
        trip = v.trip
        if trip is None or getattr(event, "order_id", None) != trip.plan.order_id:
            return
        reason = type(event).__name__.removeprefix("Order").lower()
        if isinstance(event, ev.OrderFailed):
            v.fault = v.fault or event.reason
        if isinstance(event, ev.OrderUnanswered | ev.OrderRejected) and trip.released > 0:
            # only an update went unanswered or was refused: the vehicle drives its base and
            # stops; cancel so the next order starts clean
            self._instant(v, instant.cancel_order(f"cancel-{next(self._ids)}"))
        if trip.task_id is not None:
            self._task_lost(self.tasks[trip.task_id], v, f"order {reason}")
        if v.fault is None:
            v.trip = None
            self._settle(v)
        else:
            self._hold_where_it_stands(v)
            v.trip = None
        self.note("OrderProblem", v, problem=reason)

    def _task_lost(self, task: TransportTask, v: FleetVehicle, why: str) -> None:
        """The vehicle will not finish this task: dispatch it again while the load is still where
        it was; once the load is on the vehicle, a person takes over."""
        if task.state == ASSIGNED:
            self._task(task, "unassign", v, place=task.source, note=f"{v.key} {why} before the pick")
            self.counts["redispatched"] += 1
        elif task.state == UNDERWAY:
            where = f"on vehicle {v.key} at node {v.node} ({v.x:.1f}, {v.y:.1f})"
            self._task(task, "fail", v, place=where, note=f"{v.key} {why} carrying the load: fetch it by hand")
            self.counts["tasks_failed"] += 1

    def _task(self, task: TransportTask, trigger: str, v: FleetVehicle | None, place: str = "",
              note: str = "") -> None:
        state = task.apply(trigger)
        task.vehicle = None if state == OPEN else (v.key if v else task.vehicle)
        task.note = note or task.note
        self.effects.append(TaskChanged(task.id, state, trigger, v.key if v else None, place, note))

    # -- traffic control --------------------------------------------------------------------------

    def _advance(self, v: FleetVehicle, now: float) -> None:
        """Reserve and release the next nodes up to `lookahead` past the vehicle; send the update."""
        trip = v.trip
        if trip is None or trip.awaiting or not v.available:
            return
        path, upto = trip.path, trip.released
        target = min(trip.reached + self.cfg.lookahead, len(path) - 1)
        blocker = None
        i = trip.released + 1
        while i <= target:
            # never stop in front of a dead end we are about to enter: whoever is in it could not
            # get out. Take the dead end together with the node before it.
            span = 2 if i + 1 < len(path) and self._dead_end(path[i + 1], path[i]) else 1
            steps = [(path[j], pair(path[j - 1], path[j])) for j in range(i, min(i + span, len(path)))]
            blocker = next((b for n, e in steps if (b := self.res.blocker(v.key, n, e)) is not None), None)
            if blocker is not None:
                break
            for node, edge in steps:
                self.res.take(v.key, node, edge)
            upto = i + len(steps) - 1
            i = upto + 1
        waiting = blocker if upto == trip.released and upto < len(path) - 1 else None
        if waiting != trip.waiting_on:
            trip.waiting_on, trip.waited_since = waiting, now if waiting else None
        if upto > trip.released:
            self._send(v, trip.plan.release(upto))

    def _dead_end(self, node: str, before: str) -> bool:
        """A spur: its only way out is back to where one came from."""
        return self.graph.out[node] == [before]

    def _free_behind(self, v: FleetVehicle) -> None:
        nodes, edges = v.trip.held_span()
        self.res.keep_only(v.key, nodes | {v.node}, edges)

    def _settle(self, v: FleetVehicle) -> None:
        """A vehicle without a trip holds the node it stands on and nothing else."""
        if v.node is not None and v.trip is None:
            self.res.keep_only(v.key, {v.node}, set())
            self.res.hold_node(v.key, v.node)

    def _send(self, v: FleetVehicle, order) -> None:
        v.trip.awaiting = True
        self.effects.append(SendOrder(v.id, order))

    def _instant(self, v: FleetVehicle, message) -> None:
        self.effects.append(SendInstant(v.id, message))

    # -- the periodic step ------------------------------------------------------------------------

    def step(self, now: float) -> None:
        for v in self.vehicles.values():
            self._check_lost(v, now)
        for v in self.vehicles.values():
            if v.trip is not None and not v.trip.awaiting:
                self._advance(v, now)
        self._break_cycles(now)
        if not self.paused:
            self._dispatch(now)
            targeted = {x.trip.goal for x in self.vehicles.values() if x.trip}
            for v in self.vehicles.values():
                self._charge_or_park(v, targeted)

    def _check_lost(self, v: FleetVehicle, now: float) -> None:
        if v.online or v.lost or v.offline_since is None or now - v.offline_since < self.cfg.offline_grace_s:
            return
        v.lost = True
        trip = v.trip
        if trip is not None and trip.task_id is not None:
            self._task_lost(self.tasks[trip.task_id], v, "went offline")
        self._hold_where_it_stands(v)
        v.trip = None
        self.note("VehicleLost", v)

    def _hold_where_it_stands(self, v: FleetVehicle) -> None:
        """A vehicle we lost stands on its last node, or on the edge after it if it was driving:
        it keeps those, and lets go of the base ahead it will not drive now."""
        trip, nodes, edges = v.trip, {v.node}, set()
        if trip is not None and v.driving and trip.reached < trip.released:
            ahead = trip.path[trip.reached + 1]
            nodes.add(ahead)
            edges.add(pair(v.node, ahead))
        self.res.keep_only(v.key, nodes, edges)

    def dispatch(self, now: float) -> None:
        """Hand open tasks to idle vehicles now (a new task need not wait for the next step)."""
        if not self.paused:
            self._dispatch(now)

    def _dispatch(self, now: float) -> None:
        candidates = [v for v in self.vehicles.values() if v.idle]
        for task in sorted((t for t in self.tasks.values() if t.state == OPEN), key=lambda t: t.id):
            if not candidates:
                return
            pickup, drop = self.pickup_node(task.source), self.pickup_node(task.destination)
            v = best_vehicle(self.graph, task, pickup, candidates, self.cfg.charge_below)
            if v is None:
                continue
            order_id = f"t{task.id}-{task.attempts}"
            waypoints = [Waypoint(pickup, (Action("pick", f"{order_id}-pick", "HARD", _load_params(task)),)),
                         Waypoint(drop, (Action("drop", f"{order_id}-drop", "HARD", _load_params(task)),))]
            if self._start_trip(v, TASK, order_id, waypoints, now, task.id):
                task.attempts += 1
                task.assigned_at = now
                self._task(task, "assign", v, place=task.source)
                candidates.remove(v)

    def _start_trip(self, v: FleetVehicle, purpose: str, order_id: str, waypoints: list[Waypoint], now: float,
                    task_id: int | None = None) -> bool:
        trip = new_trip(self.graph, purpose, order_id, self.cfg.map_id, v.node, waypoints, v.speed_max, task_id,
                        v.max_nodes)
        if trip is None:
            return False
        if v.charging:
            self._instant(v, instant.stop_charging(f"{order_id}-stopcharge"))
        v.trip, v.orders = trip, v.orders + 1
        trip.awaiting = False
        self.res.hold_node(v.key, v.node)
        self._advance(v, now)
        if trip.released < 0:  # the next node is taken: send the first node alone, the rest as horizon
            self._send(v, trip.plan.release(0))
        return True

    def _charge_or_park(self, v: FleetVehicle, targeted: set[str]) -> None:
        if not v.idle:
            return
        kind = self.graph.nodes[v.node].kind
        if v.battery < self.cfg.charge_below and kind != "charger":
            spot = free_spot(self.graph, "charger", v.node, self.res, targeted)
            if spot:
                oid = f"charge-{next(self._ids)}"
                if self._start_trip(v, CHARGE, oid, [Waypoint(spot, (Action("startCharging", f"{oid}-c"),))], 0.0):
                    targeted.add(spot)
                return
        if kind not in ("parking", "charger"):
            spot = free_spot(self.graph, "parking", v.node, self.res, targeted)
            if spot and self._start_trip(v, PARK, f"park-{next(self._ids)}", [Waypoint(spot)], 0.0):
                targeted.add(spot)

    # -- deadlocks ---------------------------------------------------------------------------------

    def _break_cycles(self, now: float) -> None:
        waits = {v.key: v.trip.waiting_on for v in self.vehicles.values() if v.trip and v.trip.waiting_on}
        for cycle in wait_cycles(waits):
            if any(self._go_around(self.vehicles[k], set(cycle)) for k in cycle):
                self.counts["cycles_broken"] += 1
                self.note("DeadlockBroken", None, vehicles=cycle)
        for key, holder_key in waits.items():
            v, holder = self.vehicles[key], self.vehicles[holder_key]
            stuck = not holder.available or holder.trip is None
            if stuck and v.trip.waited_since is not None and now - v.trip.waited_since >= STUCK_AFTER_S:
                v.trip.waited_since = now  # try again in a while, not on every step
                if not self._go_around(v, {key, holder_key}) and holder.idle:
                    self._nudge(holder, v)

    def _go_around(self, v: FleetVehicle, group: set[str]) -> bool:
        """Reroute `v`'s horizon around every node others hold; else back off to a free side node
        off the others' way (only that step must be free) and go on from there."""
        trip = v.trip
        if trip is None or trip.awaiting:
            return False
        taken = {n for n, holder in self.res.nodes.items() if holder != v.key}
        if reroute(self.graph, trip, v.speed_max, taken.__contains__):
            return self._resend_horizon(v)
        others = {n for k in group if k != v.key and self.vehicles[k].trip for n in self.vehicles[k].trip.ahead()}
        side = self._side_node(trip.path[trip.released], taken, others)
        if side is not None and reroute(self.graph, trip, v.speed_max, None, via=side):
            return self._resend_horizon(v)
        return False

    def _resend_horizon(self, v: FleetVehicle) -> bool:
        """Send the new horizon as an update, releasing the next node with it when it is free."""
        trip = v.trip
        path, nxt = trip.path, trip.released + 1
        if nxt < len(path) and self.res.blocker(v.key, path[nxt], pair(path[nxt - 1], path[nxt])) is None:
            self.res.take(v.key, path[nxt], pair(path[nxt - 1], path[nxt]))
            self._send(v, trip.plan.release(nxt))
        else:
            self._send(v, trip.plan.update_horizon())
        return True

    def _side_node(self, start: str, taken: set[str], avoid: set[str]) -> str | None:
        """A free neighbour of `start` that is not on the others' way."""
        return next((n for n in self.graph.out[start] if n not in taken and n not in avoid), None)

    def _nudge(self, holder: FleetVehicle, waiter: FleetVehicle) -> None:
        targeted = {x.trip.goal for x in self.vehicles.values() if x.trip} | set(waiter.trip.ahead())
        spot = free_spot(self.graph, "parking", holder.node, self.res, targeted)
        if spot is not None:
            self._start_trip(holder, PARK, f"nudge-{next(self._ids)}", [Waypoint(spot)], 0.0)

    # -- supervisor operations --------------------------------------------------------------------

    def vehicle(self, key: str) -> FleetVehicle:
        try:
            return self.vehicles[key]
        except KeyError:
            raise NotFound(f"no vehicle {key!r} in this fleet (sklad-edge status lists them)") from None

    def pause_all(self) -> int:
        self.paused = True
        targets = [v for v in self.vehicles.values() if v.online]
        for v in targets:
            self._instant(v, instant.start_pause(f"pause-{next(self._ids)}"))
        self.note("Paused", None, vehicles=len(targets))
        return len(targets)

    def resume_all(self) -> int:
        self.paused = False
        targets = [v for v in self.vehicles.values() if v.online]
        for v in targets:
            self._instant(v, instant.stop_pause(f"resume-{next(self._ids)}"))
        self.note("Resumed", None, vehicles=len(targets))
        return len(targets)

    def cancel(self, key: str) -> None:
        v = self.vehicle(key)
        if v.trip is None:
            raise Conflict(f"{key} has no order to cancel")
        self._instant(v, instant.cancel_order(f"cancel-{next(self._ids)}"))

    def send_to_charger(self, key: str) -> str:
        v = self.vehicle(key)
        if not v.idle:
            raise Conflict(f"{key} is {v.state}: cancel its order first, or wait until it is idle")
        spot = free_spot(self.graph, "charger", v.node, self.res, {x.trip.goal for x in self.vehicles.values()
                                                                   if x.trip})
        if spot is None:
            raise Conflict("every charger is taken; try again when one is free")
        oid = f"charge-{next(self._ids)}"
        self._start_trip(v, CHARGE, oid, [Waypoint(spot, (Action("startCharging", f"{oid}-c"),))], 0.0)
        return spot

    def note(self, kind: str, v: FleetVehicle | None, **data) -> None:
        self.effects.append(FleetNote(kind, ({"vehicle": v.key} if v else {}) | data))

    def summary(self) -> dict:
        states: dict[str, int] = {}
        for v in self.vehicles.values():
            states[v.state] = states.get(v.state, 0) + 1
        open_tasks = sum(1 for t in self.tasks.values() if t.state in (OPEN, ASSIGNED, UNDERWAY))
        return {"vehicles": len(self.vehicles), "states": states, "paused": self.paused, "open_tasks": open_tasks,
                **self.counts, "distance_m": round(sum(v.distance for v in self.vehicles.values()), 1)}


def _load_params(task: TransportTask) -> tuple[tuple[str, object], ...]:
    return (("loadId", task.load), ("loadType", task.load_type))

