"""The robots' road graph: nodes on the floor plan and directed edges with a top speed. Pure."""

from __future__ import annotations

import heapq
import itertools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

NODE_KINDS = frozenset({"lane", "drop", "station", "dock", "charger", "parking"})


@dataclass(frozen=True)
class RoadNode:
    id: str
    x: float
    y: float
    kind: str = "lane"
    location: str | None = None  # the ledger location a vehicle serves from here


@dataclass(frozen=True)
class RoadEdge:
    id: str
    start: str
    end: str
    length: float
    max_speed: float

    @property
    def seconds(self) -> float:
        return self.length / self.max_speed


@dataclass
class RoadGraph:
    nodes: dict[str, RoadNode] = field(default_factory=dict)
    edges: dict[tuple[str, str], RoadEdge] = field(default_factory=dict)
    out: dict[str, list[str]] = field(default_factory=dict)
    _times: dict[str, dict[str, float]] = field(default_factory=dict, init=False, repr=False)
    _back: dict[str, list[str]] = field(default_factory=dict, init=False, repr=False)

    def add_node(self, node: RoadNode) -> None:
        self.nodes[node.id] = node
        self.out.setdefault(node.id, [])

    def add_edge(self, start: str, end: str, max_speed: float) -> RoadEdge:
        a, b = self.nodes[start], self.nodes[end]
        edge = RoadEdge(f"{start}>{end}", start, end, max(math.hypot(a.x - b.x, a.y - b.y), 0.01), max_speed)
        self.edges[(start, end)] = edge
        self._times.clear()
        self._back.clear()
        if end not in self.out[start]:
            self.out[start].append(end)
        return edge

    def of_kind(self, kind: str) -> list[RoadNode]:
        return [n for n in self.nodes.values() if n.kind == kind]

    def node_for_location(self, code: str) -> RoadNode | None:
        for node in self.nodes.values():
            if node.location == code:
                return node
        return None

    def nearest(self, x: float, y: float, kinds: Iterable[str] = ("lane", "drop")) -> RoadNode:
        allowed = set(kinds)
        return min((n for n in self.nodes.values() if n.kind in allowed),
                   key=lambda n: (n.x - x) ** 2 + (n.y - y) ** 2)

    def unreachable_from(self, start: str) -> set[str]:
        """Nodes that cannot be reached from `start`, or cannot get back to it."""
        forward = self._reach(start, self.out)
        back: dict[str, list[str]] = {n: [] for n in self.nodes}
        for a, b in self.edges:
            back[b].append(a)
        return set(self.nodes) - (forward & self._reach(start, back))

    @staticmethod
    def _reach(start: str, adjacency: dict[str, list[str]]) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            for nxt in adjacency[todo.pop()]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    def path(self, start: str, goal: str, speed_max: float | None = None,
             blocked: Callable[[str], bool] | None = None) -> list[str] | None:
        """Fastest path (Dijkstra on travel time at min(edge max speed, vehicle top speed)), never
        through a node `blocked` says is taken; None when there is none."""
        if start == goal:
            return [start]
        best = {start: 0.0}
        came: dict[str, str] = {}
        heap = [(0.0, start)]
        while heap:
            cost, node = heapq.heappop(heap)
            if node == goal:
                return self._unwind(came, goal)
            if cost > best[node]:
                continue
            for nxt in self.out[node]:
                if blocked is not None and nxt != goal and blocked(nxt):
                    continue
                edge = self.edges[(node, nxt)]
                speed = edge.max_speed if speed_max is None else min(edge.max_speed, speed_max)
                new = cost + edge.length / speed
                if new < best.get(nxt, math.inf):
                    best[nxt], came[nxt] = new, node
                    heapq.heappush(heap, (new, nxt))
        return None

    @staticmethod
    def _unwind(came: dict[str, str], goal: str) -> list[str]:
        out = [goal]
        while out[-1] in came:
            out.append(came[out[-1]])
        return out[::-1]

    def times_to(self, goal: str) -> dict[str, float]:
        """Seconds from every node to `goal` at each edge's top speed (one backward Dijkstra,
        remembered: dispatch asks it for every task and the graph never changes)."""
        if goal in self._times:
            return self._times[goal]
        back = self._back
        if not back:
            for a, b in self.edges:
                back.setdefault(b, []).append(a)
        best = {goal: 0.0}
        heap = [(0.0, goal)]
        while heap:
            cost, node = heapq.heappop(heap)
            if cost > best[node]:
                continue
            for prev in back.get(node, ()):
                new = cost + self.edges[(prev, node)].seconds
                if new < best.get(prev, math.inf):
                    best[prev] = new
                    heapq.heappush(heap, (new, prev))
        self._times[goal] = best
        return best

    def travel_seconds(self, path: list[str], speed_max: float | None = None) -> float:
        total = 0.0
        for a, b in itertools.pairwise(path):
            edge = self.edges[(a, b)]
            total += edge.length / (edge.max_speed if speed_max is None else min(edge.max_speed, speed_max))
        return total
