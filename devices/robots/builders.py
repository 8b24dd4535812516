"""Orders and order updates from a route: base released step by step, the rest as horizon.

Node sequenceIds are even (0, 2, 4…) and edge sequenceIds odd, counted along the whole route, so
an update repeats the stitching node (the last node of the previous base) with its own sequenceId.
"""

from __future__ import annotations

from dataclasses import dataclass

from devices.robots.errors import OrderUpdateError
from devices.robots.messages import Action, Edge, Node, Order


@dataclass(frozen=True)
class Stop:
    node_id: str
    x: float
    y: float
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class Leg:
    edge_id: str
    max_speed: float | None = None


class OrderPlan:
    """One order over one route; `release(upto)` gives the next message to send."""

    def __init__(self, order_id: str, stops: list[Stop], legs: list[Leg], map_id: str,
                 max_nodes: int | None = None) -> None:
        if not stops:
            raise OrderUpdateError(f"order {order_id} needs at least one node")
        if len(legs) != len(stops) - 1:
            raise OrderUpdateError(f"order {order_id}: {len(stops)} nodes need {len(stops) - 1} edges, got {len(legs)}")
        ids = [a.action_id for s in stops for a in s.actions]
        if len(ids) != len(set(ids)):
            raise OrderUpdateError(f"order {order_id}: actionIds must be unique, got {ids}")
        self.order_id, self.stops, self.legs, self.map_id = order_id, stops, legs, map_id
        self.released = -1  # index of the last released stop
        self.update_id = -1
        # a vehicle's factsheet may cap nodes per message: the horizon is then cut short and
        # the rest follows in later updates
        self.max_nodes = max_nodes

    @property
    def complete(self) -> bool:
        return self.released == len(self.stops) - 1

    def release(self, upto: int) -> Order:
        """The order (first call) or the update that releases stops up to index `upto`."""
        if not 0 <= upto < len(self.stops):
            raise OrderUpdateError(f"order {self.order_id}: no stop {upto} (route has {len(self.stops)})")
        if upto <= self.released:
            raise OrderUpdateError(f"order {self.order_id}: stop {upto} is already released (up to {self.released})")
        start = max(self.released, 0)
        if self.max_nodes is not None and upto - start + 1 > self.max_nodes:
            raise OrderUpdateError(f"order {self.order_id}: releasing {upto - start + 1} nodes at once is more than "
                                   f"the vehicle takes ({self.max_nodes})")
        self.released = upto
        return self._message(start)

    def update_horizon(self) -> Order:
        """An update that releases nothing new and carries a changed horizon (after `reroute`)."""
        if self.released < 0:
            raise OrderUpdateError(f"order {self.order_id}: nothing released yet, build a new order instead")
        return self._message(self.released)

    def _message(self, start: int) -> Order:
        end = len(self.stops) if self.max_nodes is None else min(len(self.stops), start + self.max_nodes)
        nodes = tuple(self._node(i, i <= self.released) for i in range(start, end))
        edges = tuple(self._edge(i, i + 1 <= self.released) for i in range(start, end - 1))
        self.update_id += 1
        return Order(self.order_id, self.update_id, nodes, edges)

    def _node(self, i: int, released: bool) -> Node:
        stop = self.stops[i]
        return Node(stop.node_id, 2 * i, released, stop.x, stop.y, self.map_id, stop.actions)

    def _edge(self, i: int, released: bool) -> Edge:
        leg = self.legs[i]
        return Edge(leg.edge_id, 2 * i + 1, released, self.stops[i].node_id, self.stops[i + 1].node_id, leg.max_speed)

    def reroute(self, stops: list[Stop], legs: list[Leg]) -> None:
        """Replace everything after the end of the base (the horizon) with a new way on: `stops`
        follow the last released stop, `legs` lead from it. The next `release` sends it."""
        if self.released < 0:
            raise OrderUpdateError(f"order {self.order_id}: nothing released yet, build a new order instead")
        if len(legs) != len(stops):
            raise OrderUpdateError(f"order {self.order_id}: {len(stops)} new nodes need {len(stops)} edges")
        self.stops = self.stops[: self.released + 1] + stops
        self.legs = self.legs[: self.released] + legs
