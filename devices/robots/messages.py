"""Typed messages master control sends: actions, nodes, edges, orders, instant actions.

Each knows how to become the body of its message for a protocol version; the header is added by
`headers.HeaderIds` when the message is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.robots.versions import Version

BLOCKING_TYPES = ("NONE", "SOFT", "HARD")
FINAL_ACTION_STATUSES = ("FINISHED", "FAILED")


@dataclass(frozen=True)
class Action:
    action_type: str
    action_id: str
    blocking_type: str = "HARD"
    parameters: tuple[tuple[str, object], ...] = ()
    description: str | None = None

    def __post_init__(self) -> None:
        if self.blocking_type not in BLOCKING_TYPES:
            raise ValueError(f"blockingType {self.blocking_type!r} must be one of {BLOCKING_TYPES}")

    def body(self, version: Version, instant: bool = False) -> dict:
        keys = version.instant_action_keys if instant else ("actionType",)
        out: dict = {key: self.action_type for key in keys}
        out.update(actionId=self.action_id, blockingType=self.blocking_type)
        if self.parameters:
            out["actionParameters"] = [{"key": k, "value": v} for k, v in self.parameters]
        if self.description:
            out["actionDescription"] = self.description
        return out


@dataclass(frozen=True)
class Node:
    node_id: str
    sequence_id: int
    released: bool
    x: float
    y: float
    map_id: str
    actions: tuple[Action, ...] = ()

    def body(self, version: Version) -> dict:
        return {"nodeId": self.node_id, "sequenceId": self.sequence_id, "released": self.released,
                "nodePosition": {"x": self.x, "y": self.y, "mapId": self.map_id},
                "actions": [a.body(version) for a in self.actions]}


@dataclass(frozen=True)
class Edge:
    edge_id: str
    sequence_id: int
    released: bool
    start_node_id: str
    end_node_id: str
    max_speed: float | None = None
    actions: tuple[Action, ...] = ()

    def body(self, version: Version) -> dict:
        out = {"edgeId": self.edge_id, "sequenceId": self.sequence_id, "released": self.released,
               "startNodeId": self.start_node_id, "endNodeId": self.end_node_id,
               "actions": [a.body(version) for a in self.actions]}
        if self.max_speed is not None:
            out["maxSpeed"] = self.max_speed
        return out


@dataclass(frozen=True)
class Order:
    order_id: str
    order_update_id: int
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def body(self, version: Version) -> dict:
        return {"orderId": self.order_id, "orderUpdateId": self.order_update_id,
                "nodes": [n.body(version) for n in self.nodes], "edges": [e.body(version) for e in self.edges]}

    @property
    def base_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if n.released)

    @property
    def horizon_nodes(self) -> tuple[Node, ...]:
        return tuple(n for n in self.nodes if not n.released)

    @property
    def action_ids(self) -> tuple[str, ...]:
        return tuple(a.action_id for part in (*self.nodes, *self.edges) for a in part.actions)

    @property
    def last_base_node(self) -> Node:
        return self.base_nodes[-1]


@dataclass(frozen=True)
class InstantActions:
    actions: tuple[Action, ...] = field(default_factory=tuple)

    def body(self, version: Version) -> dict:
        return {"actions": [a.body(version, instant=True) for a in self.actions]}

    @property
    def action_ids(self) -> tuple[str, ...]:
        return tuple(a.action_id for a in self.actions)


@dataclass(frozen=True)
class Connection:
    state: str  # ONLINE, OFFLINE, CONNECTIONBROKEN

    def body(self, version: Version) -> dict:
        return {"connectionState": self.state}
