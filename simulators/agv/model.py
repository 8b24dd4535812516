"""One virtual VDA 5050 vehicle: takes orders and instant actions (dict bodies), drives released
edges with acceleration, stops at the end of its base, runs actions, drains and charges its
battery. Pure: `step(dt)` advances simulated time; the runner does the MQTT."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulators.agv.payloads import StateView, error

ORDER_ACTIONS_SECONDS = {"pick": 1.0, "drop": 1.0}  # times pick_seconds
DRAIN_PER_M = 0.02  # battery points per metre driven
DRAIN_PER_S = 0.005  # standing by
CHARGE_PER_S = 0.5


@dataclass
class SimNode:
    node_id: str
    seq: int
    x: float
    y: float
    released: bool
    actions: list[dict]


@dataclass
class SimEdge:
    edge_id: str
    seq: int
    released: bool
    max_speed: float | None


@dataclass
class Faults:
    reject_orders: bool = False
    fail_actions: bool = False
    stall: bool = False  # stops where it is (even mid-edge) with a FATAL error


@dataclass
class SimVehicle:
    serial: str
    node_id: str
    x: float
    y: float
    speed_max: float = 1.5
    accel: float = 0.8
    decel: float = 2.0
    pick_seconds: float = 4.0
    battery: float = 100.0
    view: StateView = field(default_factory=StateView)
    nodes: list[SimNode] = field(default_factory=list)  # not reached yet, in order
    edges: list[SimEdge] = field(default_factory=list)  # not finished yet, in order
    speed: float = 0.0
    running: list[list] = field(default_factory=list)  # [actionId, type, remaining seconds, blocking]
    actions: dict[str, list[str]] = field(default_factory=dict)  # actionId -> [type, status]
    cancelling: str | None = None
    faults: Faults = field(default_factory=Faults)
    changed: bool = True
    odometer: float = 0.0
    factsheet_wanted: bool = False
    halted: bool = False  # dead: stands where it died, steps no more

    def __post_init__(self) -> None:
        self.view.last_node_id, self.view.x, self.view.y = self.node_id, self.x, self.y
        self.view.battery = self.battery

    # -- orders (VDA 5050 §6.6) -------------------------------------------------------------------

    def receive_order(self, body: dict) -> None:
        order_id, update_id = body["orderId"], body["orderUpdateId"]
        refs = {"orderId": order_id, "orderUpdateId": update_id}
        if self.faults.reject_orders:
            return self._warn(error("orderError", description="refused by fault injection", **refs))
        if order_id == self.view.order_id and self.view.order_id:
            if update_id < self.view.order_update_id:
                return self._warn(error("orderUpdateError", description="lower orderUpdateId", **refs))
            if update_id == self.view.order_update_id:
                return None  # a resend of what we have: ignored (§6.6.4.3)
            return self._update(body, refs)
        if self.busy:
            return self._warn(error("orderError", description="still executing another order", **refs))
        first = body["nodes"][0]
        if first["nodeId"] != self.view.last_node_id:
            return self._warn(error("noRouteError", description="the order does not start where I stand",
                                    nodeId=first["nodeId"], **refs))
        self._clear_warnings()
        self.view.order_id, self.view.order_update_id = order_id, update_id
        self.view.last_node_sequence_id = first["sequenceId"]
        self.actions = {}
        self._load(body["nodes"][1:], body["edges"])
        self._start_node_actions(first["actions"])
        self.changed = True
        return None

    def _update(self, body: dict, refs: dict) -> None:
        stitch = body["nodes"][0]
        base_end = self._base_end()
        if (stitch["nodeId"], stitch["sequenceId"]) != base_end:
            return self._warn(error("orderUpdateError", description="does not continue from the end of my base",
                                    **refs))
        self._clear_warnings()
        self.nodes = [n for n in self.nodes if n.released]
        self.edges = [e for e in self.edges if e.released]
        self.view.order_update_id = body["orderUpdateId"]
        self._load(body["nodes"][1:], body["edges"])
        self.changed = True
        return None

    def _base_end(self) -> tuple[str, int]:
        released = [n for n in self.nodes if n.released]
        if released:
            return released[-1].node_id, released[-1].seq
        return self.view.last_node_id, self.view.last_node_sequence_id

    def _load(self, nodes: list[dict], edges: list[dict]) -> None:
        for n in nodes:
            pos = n.get("nodePosition", {})
            self.nodes.append(SimNode(n["nodeId"], n["sequenceId"], pos.get("x", self.x), pos.get("y", self.y),
                                      n["released"], n["actions"]))
            for a in n["actions"]:
                self.actions[a["actionId"]] = [a["actionType"], "WAITING"]
        for e in edges:
            self.edges.append(SimEdge(e["edgeId"], e["sequenceId"], e["released"], e.get("maxSpeed")))

    @property
    def busy(self) -> bool:
        return bool(self.nodes or self.running) or any(
            s not in ("FINISHED", "FAILED") for t, s in self.actions.values())

    # -- instant actions (§6.8) ---------------------------------------------------------------------

    def receive_instant(self, actions: list[dict]) -> None:
        for a in actions:
            kind = a.get("actionType") or a.get("actionName")
            action_id = a["actionId"]
            self.actions[action_id] = [kind, "FINISHED"]
            if kind == "cancelOrder":
                self._cancel(action_id)
            elif kind in ("startPause", "stopPause"):
                self.view.paused = kind == "startPause"
            elif kind == "factsheetRequest":
                self.factsheet_wanted = True
            elif kind == "startCharging":
                self.view.charging = True
            elif kind == "stopCharging":
                self.view.charging = False
            elif kind == "initPosition":
                params = {p["key"]: p["value"] for p in a.get("actionParameters", [])}
                self.x, self.y = float(params.get("x", self.x)), float(params.get("y", self.y))
                self.view.last_node_id = str(params.get("lastNodeId", self.view.last_node_id))
            self.changed = True

    def _cancel(self, action_id: str) -> None:
        if not self.busy:
            self.actions[action_id][1] = "FAILED"
            self.view.errors.append(error("noOrderToCancel", actionId=action_id))
            return
        self.actions[action_id][1] = "RUNNING"
        self.cancelling = action_id
        for entry in self.actions.values():
            if entry[0] not in ("cancelOrder",) and entry[1] in ("WAITING", "RUNNING", "INITIALIZING"):
                entry[1] = "FAILED"
        self.running = []
        # stop on the next node: keep only the one we are driving to, if we are on an edge
        on_edge = self.speed > 0 and self.nodes and self.nodes[0].released and self._dist_next() > 1e-6
        self.nodes = self.nodes[:1] if on_edge else []
        self.nodes = [SimNode(n.node_id, n.seq, n.x, n.y, True, []) for n in self.nodes]
        self.edges = self.edges[:1] if on_edge else []

    # -- time -------------------------------------------------------------------------------------

    def step(self, dt: float) -> float:
        """Advance `dt` simulated seconds; returns metres driven."""
        self._battery(dt)
        self._run_actions(dt)
        if self.faults.stall:
            return self._brake_hard()
        moved = self._drive(dt)
        if self.cancelling and not self.nodes and self.speed == 0.0:
            self.actions[self.cancelling][1] = "FINISHED"
            self.cancelling = None
            self.changed = True
        self._sync_view()
        return moved

    def _battery(self, dt: float) -> None:
        if self.view.charging:
            self.battery = min(100.0, self.battery + CHARGE_PER_S * dt)
        else:
            self.battery = max(0.0, self.battery - DRAIN_PER_S * dt)

    def _run_actions(self, dt: float) -> None:
        for entry in list(self.running):
            entry[2] -= dt
            if entry[2] <= 0:
                self.running.remove(entry)
                failed = self.faults.fail_actions
                self.actions[entry[0]][1] = "FAILED" if failed else "FINISHED"
                if failed:
                    self.view.errors.append(error(f"{entry[1]}Failed", actionId=entry[0]))
                self._action_effect(entry[1], failed)
                self.changed = True

    def _action_effect(self, kind: str, failed: bool) -> None:
        if failed:
            return
        if kind == "pick":
            self.view.loads = ["load"]
        elif kind == "drop":
            self.view.loads = []

    def _start_node_actions(self, actions: list[dict]) -> None:
        for a in actions:
            kind = a["actionType"]
            self.actions[a["actionId"]] = [kind, "RUNNING"]
            if kind == "startCharging":
                self.view.charging = True
                self.actions[a["actionId"]][1] = "FINISHED"
                continue
            seconds = self.pick_seconds * ORDER_ACTIONS_SECONDS.get(kind, 0.0)
            self.running.append([a["actionId"], kind, seconds, a.get("blockingType", "HARD") != "NONE"])
        self.changed = True

    def _dist_next(self) -> float:
        n = self.nodes[0]
        return math.hypot(n.x - self.x, n.y - self.y)

    def _released_distance(self) -> float:
        total, x, y = 0.0, self.x, self.y
        for n in self.nodes:
            if not n.released:
                break
            total += math.hypot(n.x - x, n.y - y)
            x, y = n.x, n.y
        return total

    def _can_drive(self) -> bool:
        blocked = any(r[3] for r in self.running)
        return bool(self.nodes and self.nodes[0].released and not self.view.paused and not blocked
                    and self.battery > 0 and not self.view.charging)

    def _brake_hard(self) -> float:
        if self.speed:
            self.speed = 0.0
            self.changed = True
        if not any(e["errorLevel"] == "FATAL" for e in self.view.errors):
            self.view.errors.append(error("driveStalled", "FATAL", description="stalled by fault injection"))
            self.changed = True
        self._sync_view()
        return 0.0

    def _drive(self, dt: float) -> float:
        if not self._can_drive():
            if self.speed:
                # paused or stopped: brake at full deceleration, standing still in at most v/decel
                self.speed = max(0.0, self.speed - self.decel * dt)
                self.changed = self.changed or self.speed == 0.0
            return 0.0 if not self.speed else self._advance(self.speed * dt)
        edge_speed = self.edges[0].max_speed if self.edges and self.edges[0].max_speed else self.speed_max
        limit = min(edge_speed, self.speed_max, math.sqrt(2 * self.decel * self._released_distance()))
        self.speed = min(self.speed + self.accel * dt, limit)
        return self._advance(self.speed * dt)

    def _advance(self, ds: float) -> float:
        moved = 0.0
        while ds > 1e-9 and self.nodes and self.nodes[0].released:
            n = self.nodes[0]
            d = self._dist_next()
            if ds < d:
                self.x += (n.x - self.x) * ds / d
                self.y += (n.y - self.y) * ds / d
                self.view.theta = math.atan2(n.y - self.y, n.x - self.x) if d > 1e-9 else self.view.theta
                moved += ds
                break
            self.x, self.y = n.x, n.y
            moved += d
            ds -= d
            self._arrive()
            if any(r[3] for r in self.running):
                break
        if not (self.nodes and self.nodes[0].released):
            self.speed = 0.0 if self._dist_next_or_zero() < 1e-6 else self.speed
        self.odometer += moved
        self.battery = max(0.0, self.battery - DRAIN_PER_M * moved)
        return moved

    def _dist_next_or_zero(self) -> float:
        return self._dist_next() if self.nodes else 0.0

    def _arrive(self) -> None:
        n = self.nodes.pop(0)
        if self.edges:
            self.edges.pop(0)
        self.view.last_node_id, self.view.last_node_sequence_id = n.node_id, n.seq
        self.node_id = n.node_id
        if n.actions:
            self._start_node_actions(n.actions)
        self.changed = True

    def _sync_view(self) -> None:
        v = self.view
        v.x, v.y, v.velocity = round(self.x, 3), round(self.y, 3), round(self.speed, 3)
        v.driving = self.speed > 0
        v.battery = self.battery
        v.node_states = [(n.node_id, n.seq, n.released) for n in self.nodes]
        v.edge_states = [(e.edge_id, e.seq, e.released) for e in self.edges]
        v.action_states = [(i, t, s) for i, (t, s) in self.actions.items()]

    def _warn(self, err: dict) -> None:
        self.view.errors = [e for e in self.view.errors if e["errorLevel"] == "FATAL"] + [err]
        self.changed = True

    def _clear_warnings(self) -> None:
        self.view.errors = [e for e in self.view.errors if e["errorLevel"] == "FATAL"]

    def clear_fault(self) -> None:
        self.faults.stall = False
        self.view.errors = [e for e in self.view.errors if e["errorLevel"] != "FATAL"]
        self.changed = True
