"""What vehicles send, as typed values: read from payloads that already passed their schema."""

from __future__ import annotations

from dataclasses import dataclass

CONNECTION_STATES = ("ONLINE", "OFFLINE", "CONNECTIONBROKEN")


@dataclass(frozen=True)
class ErrorReport:
    error_type: str
    level: str  # WARNING or FATAL
    references: tuple[tuple[str, str], ...] = ()
    description: str = ""

    def names(self, key: str, value: str) -> bool:
        return (key, value) in self.references


@dataclass(frozen=True)
class Position:
    x: float
    y: float
    theta: float
    map_id: str


@dataclass(frozen=True)
class State:
    header_id: int
    version: str
    order_id: str
    order_update_id: int
    last_node_id: str
    last_node_sequence_id: int
    node_states: tuple[tuple[str, int, bool], ...]  # (nodeId, sequenceId, released)
    edge_states: tuple[tuple[str, int, bool], ...]
    driving: bool
    paused: bool | None
    action_states: dict[str, str]  # actionId -> actionStatus
    battery: float
    charging: bool
    errors: tuple[ErrorReport, ...]
    operating_mode: str
    position: Position | None
    loads: tuple[str, ...]  # loadIds (empty string for a load without an id)

    @property
    def fatal(self) -> tuple[ErrorReport, ...]:
        return tuple(e for e in self.errors if e.level == "FATAL")

    @property
    def base_left(self) -> bool:
        return any(released for _, _, released in self.node_states)


def _errors(items: list[dict]) -> tuple[ErrorReport, ...]:
    return tuple(
        ErrorReport(e["errorType"], e["errorLevel"],
                    tuple((r["referenceKey"], str(r["referenceValue"])) for r in e.get("errorReferences", [])),
                    e.get("errorDescription", ""))
        for e in items
    )


def _position(raw: dict | None) -> Position | None:
    if not raw:
        return None
    return Position(float(raw["x"]), float(raw["y"]), float(raw["theta"]), raw["mapId"])


def read_state(body: dict) -> State:
    battery = body["batteryState"]
    return State(
        header_id=body["headerId"], version=body["version"], order_id=body["orderId"],
        order_update_id=body["orderUpdateId"], last_node_id=body["lastNodeId"],
        last_node_sequence_id=body["lastNodeSequenceId"],
        node_states=tuple((n["nodeId"], n["sequenceId"], n["released"]) for n in body["nodeStates"]),
        edge_states=tuple((e["edgeId"], e["sequenceId"], e["released"]) for e in body["edgeStates"]),
        driving=body["driving"], paused=body.get("paused"),
        action_states={a["actionId"]: a["actionStatus"] for a in body["actionStates"]},
        battery=float(battery["batteryCharge"]), charging=battery["charging"],
        errors=_errors(body["errors"]), operating_mode=body["operatingMode"],
        position=_position(body.get("agvPosition")),
        loads=tuple(load.get("loadId", "") for load in body.get("loads", [])),
    )


def read_connection(body: dict) -> str:
    return body["connectionState"]
