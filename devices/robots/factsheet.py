"""What a vehicle's factsheet promises, and the check that an order keeps within it."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.robots.errors import LimitExceeded
from devices.robots.messages import InstantActions, Order


@dataclass(frozen=True)
class Limits:
    speed_max: float | None = None
    max_nodes: int | None = None  # maxArrayLens "order.nodes"
    max_edges: int | None = None  # maxArrayLens "order.edges"
    id_len: int | None = None  # maxStringLens idLen
    id_numerical_only: bool = False
    actions: dict[str, frozenset[str]] = field(default_factory=dict)  # actionType -> scopes; empty: unknown
    load_types: frozenset[str] = frozenset()

    def supports(self, action_type: str, scope: str) -> bool:
        return not self.actions or scope in self.actions.get(action_type, frozenset())


def read_factsheet(body: dict) -> Limits:
    limits = body["protocolLimits"]
    strings, arrays = limits.get("maxStringLens", {}), limits.get("maxArrayLens", {})
    features = body["protocolFeatures"]
    loads = body.get("loadSpecification", {}).get("loadSets", [])
    return Limits(
        speed_max=body["physicalParameters"].get("speedMax"),
        max_nodes=arrays.get("order.nodes"), max_edges=arrays.get("order.edges"),
        id_len=strings.get("idLen"), id_numerical_only=bool(strings.get("idNumericalOnly", False)),
        actions={a["actionType"]: frozenset(a["actionScopes"]) for a in features.get("agvActions", [])},
        load_types=frozenset(s["loadType"] for s in loads),
    )


def _check_id(value: str, what: str, limits: Limits) -> None:
    if limits.id_len is not None and len(value) > limits.id_len:
        raise LimitExceeded(f"{what} {value!r} is longer than the vehicle's idLen {limits.id_len}")
    if limits.id_numerical_only and not value.isdigit():
        raise LimitExceeded(f"{what} {value!r} must be numerical for this vehicle (idNumericalOnly)")


def check_order(order: Order, limits: Limits) -> None:
    """Raise LimitExceeded naming the first field of `order` the vehicle's factsheet forbids."""
    if limits.max_nodes is not None and len(order.nodes) > limits.max_nodes:
        raise LimitExceeded(f"order {order.order_id} has {len(order.nodes)} nodes, "
                            f"the vehicle takes {limits.max_nodes}")
    if limits.max_edges is not None and len(order.edges) > limits.max_edges:
        raise LimitExceeded(f"order {order.order_id} has {len(order.edges)} edges, "
                            f"the vehicle takes {limits.max_edges}")
    _check_id(order.order_id, "orderId", limits)
    for node in order.nodes:
        _check_id(node.node_id, "nodeId", limits)
        for action in node.actions:
            if not limits.supports(action.action_type, "NODE"):
                raise LimitExceeded(f"the vehicle cannot do {action.action_type} on a node (node {node.node_id})")
    for edge in order.edges:
        _check_id(edge.edge_id, "edgeId", limits)
        if limits.speed_max is not None and edge.max_speed is not None and edge.max_speed > limits.speed_max:
            raise LimitExceeded(f"edge {edge.edge_id} allows {edge.max_speed} m/s, the vehicle tops out at "
                                f"{limits.speed_max} m/s")


def check_instant(message: InstantActions, limits: Limits) -> None:
    for action in message.actions:
        if not limits.supports(action.action_type, "INSTANT"):
            raise LimitExceeded(f"the vehicle does not accept {action.action_type} as an instant action")
