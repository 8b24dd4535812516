"""The terminal protocol: JSON over ZeroMQ (ROUTER for request/reply, PUB for events).

This module is pure (no sockets) and is the only edge module `terminal_ui` may import.

Request:  {"v": 1, "id": "<request id>", "op": "<operation>", "key": "<idempotency key>",
           "session": "<token from login>", "args": {...}}
Reply:    {"v": 1, "id": "<request id>", "ok": true, "result": {...}}
      or  {"v": 1, "id": "<request id>", "ok": false, "error": {"code": "...", "message": "..."}}
Event:    two frames: b"event.<Topic>" and {"v": 1, "topic": "<Topic>", "data": {...}}

Every operation with an effect needs an idempotency key: a handheld that lost Wi-Fi and sends the
same request again gets the first answer again, never a second pick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from edge.errors import ProtocolError

VERSION = 1
MAX_MESSAGE_BYTES = 64 * 1024
EVENT_PREFIX = b"event."


@dataclass(frozen=True)
class Arg:
    kind: type | tuple[type, ...]
    required: bool = True


@dataclass(frozen=True)
class OpSpec:
    args: dict[str, Arg] = field(default_factory=dict)
    effect: bool = False          # needs an idempotency key
    session: bool = True          # needs a logged-in operator
    roles: tuple[str, ...] = ()   # any one of these operator roles is needed (a supervisor has them all)


TEXT, INT, LIST = str, int, list
OPS: dict[str, OpSpec] = {
    "hello": OpSpec(session=False),
    "login": OpSpec({"badge": Arg(TEXT)}, session=False),
    "logout": OpSpec(),
    "scan": OpSpec({"code": Arg(TEXT)}),
    "next_task": OpSpec(effect=True, roles=("picker",)),
    "confirm_pick": OpSpec({"task_id": Arg(INT), "location": Arg(TEXT), "item": Arg(TEXT),
                            "tote": Arg(TEXT), "qty": Arg(INT)}, effect=True, roles=("picker",)),
    "short_pick": OpSpec({"task_id": Arg(INT), "location": Arg(TEXT), "found_qty": Arg(INT),
                          "tote": Arg(TEXT, False)}, effect=True, roles=("picker",)),
    "receive": OpSpec({"item": Arg(TEXT), "qty": Arg(INT), "location": Arg(TEXT),
                       "lot": Arg(TEXT, False), "expiry": Arg(TEXT, False)}, effect=True, roles=("receiver",)),
    "putaway_suggest": OpSpec({"item": Arg(TEXT), "qty": Arg(INT), "from_location": Arg(TEXT)},
                              roles=("receiver",)),
    "putaway": OpSpec({"item": Arg(TEXT), "qty": Arg(INT), "from_location": Arg(TEXT),
                       "to_location": Arg(TEXT), "lot": Arg(TEXT, False)}, effect=True, roles=("receiver",)),
    "count": OpSpec({"location": Arg(TEXT), "item": Arg(TEXT), "counted": Arg(INT),
                     "lot": Arg(TEXT, False)}, effect=True, roles=("counter",)),
    "adjust": OpSpec({"location": Arg(TEXT), "item": Arg(TEXT), "delta": Arg(INT),
                      "reason": Arg(TEXT), "lot": Arg(TEXT, False)}, effect=True, roles=("supervisor",)),
    "pack": OpSpec({"tote": Arg(TEXT), "shipment_id": Arg(TEXT), "station": Arg(TEXT)}, effect=True,
                   roles=("packer",)),
    "ship": OpSpec({"shipment_id": Arg(TEXT), "dock": Arg(TEXT)}, effect=True,
                   roles=("shipper", "packer")),
    "stock": OpSpec({"location": Arg(TEXT, False), "item": Arg(TEXT, False)}),
    "exceptions": OpSpec(roles=("supervisor",)),
    "resolve_exception": OpSpec({"task_id": Arg(INT), "resolution": Arg(TEXT)}, effect=True, roles=("supervisor",)),
    "status": OpSpec(),
    # Read-only views for the screens (protocol 1 still: an old handheld never sends them).
    "task_view": OpSpec({"task_id": Arg(INT)}, roles=("picker",)),
    "work": OpSpec(roles=("picker",)),
    "tote": OpSpec({"tote": Arg(TEXT)}, roles=("picker", "packer", "shipper")),
    "shipment": OpSpec({"shipment_id": Arg(TEXT)}, roles=("packer", "shipper")),
    "expected": OpSpec({"item": Arg(TEXT)}, roles=("receiver",)),
    "floor": OpSpec(roles=("supervisor",)),
    "reprint_label": OpSpec({"shipment": Arg(TEXT)}, effect=True, roles=("supervisor",)),  # shipment id or SSCC
}


@dataclass(frozen=True)
class Request:
    id: str
    op: str
    args: dict[str, Any]
    key: str | None = None
    session: str | None = None

    @property
    def spec(self) -> OpSpec:
        return OPS[self.op]


def _field(msg: dict, name: str, required: bool = True) -> str | None:
    value = msg.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > 128:
        raise ProtocolError(f"'{name}' must be a non-empty string of at most 128 characters")
    return value


def _check_args(op: str, spec: OpSpec, args: object) -> dict[str, Any]:
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise ProtocolError(f"'args' of {op} must be an object")
    unknown = set(args) - set(spec.args)
    if unknown:
        raise ProtocolError(f"{op} does not take {sorted(unknown)}; it takes {sorted(spec.args)}")
    for name, arg in spec.args.items():
        value = args.get(name)
        if value is None:
            if arg.required:
                raise ProtocolError(f"{op} needs '{name}'")
            continue
        if isinstance(value, bool) or not isinstance(value, arg.kind):
            expected = {int: "a whole number", list: "a list of strings"}.get(arg.kind, "a string")
            raise ProtocolError(f"'{name}' of {op} must be {expected}, got {value!r}")
    return args


def parse_request(frame: bytes) -> Request:
    """Decode and validate one request frame; raises ProtocolError with a readable reason."""
    if len(frame) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(frame)} bytes is over the {MAX_MESSAGE_BYTES} byte limit")
    try:
        msg = orjson.loads(frame)
    except ValueError:
        raise ProtocolError("message is not valid UTF-8 JSON") from None
    if not isinstance(msg, dict):
        raise ProtocolError("message must be a JSON object")
    if type(msg.get("v")) is not int or msg["v"] != VERSION:
        raise ProtocolError(f"protocol version {msg.get('v')!r} is not supported; this node speaks {VERSION}")
    req_id = _field(msg, "id")
    op = msg.get("op")
    if not isinstance(op, str) or op not in OPS:  # a list or object op is unhashable
        raise ProtocolError(f"unknown operation {op!r}; known: {', '.join(sorted(OPS))}")
    spec = OPS[op]
    key = _field(msg, "key", required=spec.effect)
    return Request(req_id, op, _check_args(op, spec, msg.get("args")), key, _field(msg, "session", False))


def request_id_of(frame: bytes) -> str | None:
    """Best effort: the id of a request that failed to parse, so the error reply can carry it."""
    try:
        value = orjson.loads(frame).get("id")
    except (ValueError, AttributeError):
        return None
    return value if isinstance(value, str) and len(value) <= 128 else None


def ok_reply(req_id: str | None, result: dict) -> bytes:
    return orjson.dumps({"v": VERSION, "id": req_id, "ok": True, "result": result})


def error_reply(req_id: str | None, code: str, message: str) -> bytes:
    return orjson.dumps({"v": VERSION, "id": req_id, "ok": False, "error": {"code": code, "message": message}})


def encode_request(req_id: str, op: str, args: dict | None = None, key: str | None = None,
                   session: str | None = None) -> bytes:
    msg: dict[str, Any] = {"v": VERSION, "id": req_id, "op": op, "args": args or {}}
    if key is not None:
        msg["key"] = key
    if session is not None:
        msg["session"] = session
    return orjson.dumps(msg)


def decode_reply(frame: bytes) -> dict:
    reply = orjson.loads(frame)
    if not isinstance(reply, dict) or reply.get("v") != VERSION or "ok" not in reply:
        raise ProtocolError("reply is not a Sklad terminal reply")
    return reply


def encode_event(topic: str, data: dict) -> list[bytes]:
    return [EVENT_PREFIX + topic.encode(), orjson.dumps({"v": VERSION, "topic": topic, "data": data})]


def decode_event(frames: list[bytes]) -> tuple[str, dict]:
    body = orjson.loads(frames[-1])
    return body["topic"], body["data"]


# The robot fleet's supervisor operations, waves and batches, replenishment and returns live in
# modules of their own; they join the table here.
from edge.terminal.batch_protocol import BATCH_OPS  # noqa: E402
from edge.terminal.fleet_protocol import FLEET_OPS  # noqa: E402
from edge.terminal.floor_protocol import FLOOR_OPS  # noqa: E402

OPS.update(FLEET_OPS)
OPS.update(BATCH_OPS)
OPS.update(FLOOR_OPS)
