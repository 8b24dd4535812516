"""The referee: watches every vehicle and counts collisions and deadlocks.

A collision is two vehicles on one node (each within `radius` of it), or two vehicles on one edge
driving in opposite directions. A deadlock is a fleet with work to do (a vehicle with nodes left
in its order, not paused, not faulted) where nothing moved for `stall_seconds` of simulated time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from simulators.agv.model import SimVehicle


@dataclass
class Referee:
    positions: dict[str, tuple[float, float]]  # node id -> (x, y)
    radius: float = 0.4
    stall_seconds: float = 120.0
    collisions: int = 0
    deadlocks: int = 0
    incidents: list[str] = field(default_factory=list)
    _touching: set[frozenset[str]] = field(default_factory=set)
    _still_for: float = 0.0

    def watch(self, vehicles: list[SimVehicle], dt: float, moved: float) -> None:
        self._collisions(vehicles)
        self._progress(vehicles, dt, moved)

    def _occupancy(self, v: SimVehicle) -> tuple[list[str], tuple[str, str] | None]:
        """The nodes a vehicle covers, and the edge it is on (from, to) once it left its last node."""
        nodes: list[str] = []
        last = self.positions.get(v.view.last_node_id)
        from_last = math.hypot(last[0] - v.x, last[1] - v.y) if last else math.inf
        if from_last <= self.radius:
            nodes.append(v.view.last_node_id)
        edge = None
        if v.nodes and from_last > 1e-6:
            nxt = v.nodes[0]
            if math.hypot(nxt.x - v.x, nxt.y - v.y) <= self.radius:
                nodes.append(nxt.node_id)
            edge = (v.view.last_node_id, nxt.node_id)
        return nodes, edge

    def _collisions(self, vehicles: list[SimVehicle]) -> None:
        on_node: dict[str, str] = {}
        on_edge: dict[frozenset[str], tuple[str, str]] = {}
        now: set[frozenset[str]] = set()
        for v in vehicles:
            nodes, edge = self._occupancy(v)
            for node in nodes:
                other = on_node.setdefault(node, v.serial)
                if other != v.serial:
                    now.add(self._report(now, other, v.serial, f"node {node}"))
            if edge is not None:
                key = frozenset(edge)
                seen = on_edge.setdefault(key, (v.serial, edge[0]))
                if seen[0] != v.serial and seen[1] != edge[0]:
                    now.add(self._report(now, seen[0], v.serial, f"edge {edge[0]}-{edge[1]} head-on"))
        self._touching = now

    def _report(self, now: set, a: str, b: str, where: str) -> frozenset[str]:
        key = frozenset((a, b))
        if key not in self._touching and key not in now:
            self.collisions += 1
            self.incidents.append(f"collision: {a} and {b} on {where}")
        return key

    def _progress(self, vehicles: list[SimVehicle], dt: float, moved: float) -> None:
        work = any(v.nodes and not (v.view.paused or v.faults.stall or v.halted) for v in vehicles)
        if moved > 0 or not work or any(v.running for v in vehicles):
            self._still_for = 0.0
            return
        self._still_for += dt
        if self._still_for >= self.stall_seconds:
            self.deadlocks += 1
            waiting = sorted(v.serial for v in vehicles if v.nodes)[:5]
            self.incidents.append(f"deadlock: nothing moved for {self.stall_seconds:.0f} s, waiting: {waiting}")
            self._still_for = 0.0
