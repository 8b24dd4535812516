"""A trip: one VDA 5050 order over the road graph through waypoints (pick at the source, drop at
the destination; a charger; a parking place), released to the vehicle as traffic control allows."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from devices.robots.builders import Leg, OrderPlan, Stop
from devices.robots.messages import Action
from edge.fleet.graph import RoadGraph
from edge.fleet.traffic import pair

TASK, PARK, CHARGE = "task", "park", "charge"


@dataclass(frozen=True)
class Waypoint:
    node: str
    actions: tuple[Action, ...] = ()


@dataclass
class Trip:
    purpose: str
    plan: OrderPlan
    waypoints: list[tuple[int, Waypoint]]  # (index in the route, waypoint)
    task_id: int | None = None
    reached: int = 0  # index of the last node the vehicle passed
    awaiting: bool = True  # an order or update is out and no state has echoed it yet
    waiting_on: str | None = None  # the vehicle holding the next node or edge we need
    waited_since: float | None = None
    done_actions: set[str] = field(default_factory=set)

    @property
    def path(self) -> list[str]:
        return [s.node_id for s in self.plan.stops]

    @property
    def goal(self) -> str:
        return self.plan.stops[-1].node_id

    @property
    def released(self) -> int:
        return self.plan.released

    def remaining_waypoints(self) -> list[Waypoint]:
        return [w for i, w in self.waypoints if i > self.plan.released]

    def ahead(self) -> list[str]:
        return self.path[self.reached:]

    def held_span(self) -> tuple[set[str], set[frozenset[str]]]:
        """The nodes and edges between where the vehicle is and the end of its base."""
        span = self.path[self.reached: self.plan.released + 1]
        return set(span), {pair(a, b) for a, b in itertools.pairwise(span)}


def route(graph: RoadGraph, start: str, waypoints: list[Waypoint], speed_max: float | None,
          blocked: Callable[[str], bool] | None = None) -> tuple[list[Stop], list[Leg], list[int]] | None:
    """Stops (start excluded) and legs from `start` through every waypoint, with each waypoint's
    actions on its node; plus the index (counting `start` as 0) of each waypoint. None: no way."""
    stops: list[Stop] = []
    legs: list[Leg] = []
    marks: list[int] = []
    here = start
    for waypoint in waypoints:
        way = graph.path(here, waypoint.node, speed_max, blocked)
        if way is None:
            return None
        for a, b in itertools.pairwise(way):
            edge = graph.edges[(a, b)]
            node = graph.nodes[b]
            legs.append(Leg(edge.id, _speed(edge.max_speed, speed_max)))
            stops.append(Stop(b, node.x, node.y))
        if stops and stops[-1].node_id == waypoint.node and waypoint.actions:
            last = stops[-1]
            stops[-1] = Stop(waypoint.node, last.x, last.y, last.actions + waypoint.actions)
        marks.append(len(stops))
        here = waypoint.node
    return stops, legs, marks


def new_trip(graph: RoadGraph, purpose: str, order_id: str, map_id: str, start: str, waypoints: list[Waypoint],
             speed_max: float | None, task_id: int | None = None, max_nodes: int | None = None) -> Trip | None:
    found = route(graph, start, waypoints, speed_max)
    if found is None:
        return None
    stops, legs, marks = found
    node = graph.nodes[start]
    # a waypoint where the vehicle already stands gets its actions on the first node
    actions = tuple(a for w, m in zip(waypoints, marks, strict=True) if m == 0 for a in w.actions)
    first = Stop(start, node.x, node.y, actions)
    plan = OrderPlan(order_id, [first, *stops], legs, map_id, max_nodes)
    return Trip(purpose, plan, list(zip(marks, waypoints, strict=True)), task_id)


def reroute(graph: RoadGraph, trip: Trip, speed_max: float | None, blocked: Callable[[str], bool] | None,
            via: str | None = None) -> bool:
    """A new horizon from the end of the base avoiding `blocked` nodes, or, given a side node
    `via`, one step there first and on from it; False when there is no such way."""
    stitch = trip.path[trip.released]
    remaining = trip.remaining_waypoints()
    if not remaining:
        return False
    stops: list[Stop] = []
    legs: list[Leg] = []
    start = stitch
    if via is not None:
        edge = graph.edges.get((stitch, via))
        if edge is None:
            return False
        node = graph.nodes[via]
        stops, legs, start = [Stop(via, node.x, node.y)], [Leg(edge.id, _speed(edge.max_speed, speed_max))], via
    found = route(graph, start, remaining, speed_max, blocked)
    if found is None or 0 in found[2]:
        return False  # no way, or a waypoint on the first node would lose its actions
    more_stops, more_legs, marks = found
    trip.plan.reroute(stops + more_stops, legs + more_legs)
    base = trip.released + len(stops)
    trip.waypoints = [(i, w) for i, w in trip.waypoints if i <= trip.released] + [
        (base + m, w) for m, w in zip(marks, remaining, strict=True)]
    trip.waiting_on = None
    return True


def _speed(edge_speed: float, speed_max: float | None) -> float:
    return round(edge_speed if speed_max is None else min(edge_speed, speed_max), 3)
