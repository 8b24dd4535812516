"""Bodies of the messages a vehicle sends (state, factsheet, visualization), without header."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.robots.versions import Version

ACTIONS = (("pick", ("NODE",)), ("drop", ("NODE",)), ("startCharging", ("NODE", "INSTANT")),
           ("stopCharging", ("NODE", "INSTANT")), ("cancelOrder", ("INSTANT",)), ("startPause", ("INSTANT",)),
           ("stopPause", ("INSTANT",)), ("stateRequest", ("INSTANT",)), ("factsheetRequest", ("INSTANT",)),
           ("initPosition", ("INSTANT",)))


@dataclass
class StateView:
    """Everything a state message says, in plain values."""
    order_id: str = ""
    order_update_id: int = 0
    last_node_id: str = ""
    last_node_sequence_id: int = 0
    node_states: list[tuple[str, int, bool]] = field(default_factory=list)
    edge_states: list[tuple[str, int, bool]] = field(default_factory=list)
    driving: bool = False
    paused: bool = False
    action_states: list[tuple[str, str, str]] = field(default_factory=list)  # (actionId, actionType, status)
    battery: float = 100.0
    charging: bool = False
    errors: list[dict] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    theta: float = 0.0
    map_id: str = "floor"
    loads: list[str] = field(default_factory=list)
    velocity: float = 0.0


def state_body(view: StateView, version: Version) -> dict:
    body = {
        "orderId": view.order_id, "orderUpdateId": view.order_update_id,
        "lastNodeId": view.last_node_id, "lastNodeSequenceId": view.last_node_sequence_id,
        "nodeStates": [{"nodeId": n, "sequenceId": s, "released": r} for n, s, r in view.node_states],
        "edgeStates": [{"edgeId": e, "sequenceId": s, "released": r} for e, s, r in view.edge_states],
        "driving": view.driving, "paused": view.paused,
        "actionStates": [{"actionId": i, "actionType": t, "actionStatus": s} for i, t, s in view.action_states],
        "batteryState": {"batteryCharge": round(view.battery, 2), "charging": view.charging},
        "operatingMode": "AUTOMATIC", "errors": view.errors,
        "safetyState": {"eStop": "NONE", "fieldViolation": False},
        "agvPosition": {"x": view.x, "y": view.y, "theta": view.theta, "mapId": view.map_id,
                        "positionInitialized": True},
        "velocity": {"vx": view.velocity, "vy": 0.0, "omega": 0.0},
        "loads": [{"loadId": load} for load in view.loads],
    }
    if version.full.startswith("2.0"):
        body.setdefault("information", [])
    return body


def error(error_type: str, level: str = "WARNING", description: str = "", **refs: object) -> dict:
    out = {"errorType": error_type, "errorLevel": level,
           "errorReferences": [{"referenceKey": k, "referenceValue": str(v)} for k, v in refs.items()]}
    if description:
        out["errorDescription"] = description
    return out


def factsheet_body(speed_max: float, load_types: tuple[str, ...], max_nodes: int = 40) -> dict:
    return {
        "typeSpecification": {"seriesName": "SkladSim", "agvKinematic": "DIFF", "agvClass": "CARRIER",
                              "maxLoadMass": 500, "localizationTypes": ["NATURAL"], "navigationTypes": ["AUTONOMOUS"]},
        "physicalParameters": {"speedMin": 0.05, "speedMax": speed_max, "accelerationMax": 0.8,
                               "decelerationMax": 1.0, "heightMax": 0.4, "width": 0.8, "length": 1.2},
        "protocolLimits": {"maxStringLens": {"idLen": 64, "msgLen": 65536},
                           "maxArrayLens": {"order.nodes": max_nodes, "order.edges": max_nodes - 1},
                           "timing": {"minOrderInterval": 0.1, "minStateInterval": 0.05}},
        "protocolFeatures": {"optionalParameters": [],
                             "agvActions": [{"actionType": t, "actionScopes": list(s)} for t, s in ACTIONS]},
        "agvGeometry": {},
        "loadSpecification": {"loadPositions": ["deck"],
                              "loadSets": [{"setName": t, "loadType": t} for t in load_types]},
    }


def visualization_body(view: StateView) -> dict:
    return {"agvPosition": {"x": view.x, "y": view.y, "theta": view.theta, "mapId": view.map_id,
                            "positionInitialized": True},
            "velocity": {"vx": view.velocity, "vy": 0.0, "omega": 0.0}}
