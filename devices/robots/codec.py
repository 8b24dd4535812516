"""Bytes on a topic <-> typed messages, with headers and schema validation both ways. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import orjson

from devices.robots.errors import BadMessage, LocalError
from devices.robots.factsheet import Limits, read_factsheet
from devices.robots.headers import HeaderIds
from devices.robots.inbound import State, read_connection, read_state
from devices.robots.messages import Connection, InstantActions, Order
from devices.robots.schema import DEFAULT, Schemas
from devices.robots.topics import Topic, VehicleId, parse_topic, topic
from devices.robots.versions import Version, version_of


@dataclass(frozen=True)
class Packet:
    topic: str
    payload: bytes
    qos: int
    retain: bool


@dataclass(frozen=True)
class Inbound:
    topic: Topic
    version: Version
    body: dict
    value: State | Limits | str | dict  # typed state, factsheet limits, connection state, visualization body

    @property
    def vehicle(self) -> VehicleId:
        return self.topic.vehicle


_READERS = {"state": read_state, "factsheet": read_factsheet, "connection": read_connection,
            "visualization": lambda body: body}


class Codec:
    def __init__(self, interface: str, schemas: Schemas = DEFAULT, check_outgoing: bool = True) -> None:
        self.interface = interface
        self.schemas = schemas
        self.check_outgoing = check_outgoing
        self.headers = HeaderIds()

    def encode(self, vehicle: VehicleId, version: Version, subtopic: str, body: dict, at: datetime) -> Packet:
        """Any message: header + body, validated against the vehicle's version before it leaves."""
        message = self.headers.header(vehicle, subtopic, version, at) | body
        if self.check_outgoing:
            problems = self.schemas.problems(subtopic, version, message)
            if problems:
                raise LocalError(f"{vehicle}: we built a {subtopic} that fails the {version.full} schema: "
                                 f"{problems[0]}")
        where = topic(self.interface, version.major, vehicle, subtopic)
        return Packet(str(where), orjson.dumps(message), where.qos, where.retain)

    def encode_message(self, vehicle: VehicleId, version: Version, subtopic: str,
                       message: Order | InstantActions | Connection, at: datetime) -> Packet:
        return self.encode(vehicle, version, subtopic, message.body(version), at)

    def decode(self, topic_text: str, payload: bytes) -> Inbound:
        """A message from a vehicle: raises BadTopic / BadMessage naming the vehicle and the field."""
        where = parse_topic(topic_text)
        who = str(where.vehicle)
        if where.interface != self.interface:
            raise BadMessage(f"interface {where.interface!r} is not ours ({self.interface!r})", who, "topic")
        try:
            body = orjson.loads(payload)
        except orjson.JSONDecodeError as exc:
            raise BadMessage(f"{where.subtopic} is not JSON ({exc})", who, "payload") from None
        if not isinstance(body, dict):
            raise BadMessage(f"{where.subtopic} must be a JSON object, got {type(body).__name__}", who, "payload")
        version = version_of(body.get("version"), who)
        if version.major != where.major:
            raise BadMessage(f"version {body.get('version')} does not belong on a {where.major} topic", who, "version")
        self.schemas.check(where.subtopic, version, body, who)
        sender = (body.get("manufacturer"), body.get("serialNumber"))
        if sender != (where.vehicle.manufacturer, where.vehicle.serial):
            raise BadMessage(f"header names {sender[0]}/{sender[1]}, the topic another vehicle", who, "serialNumber")
        reader = _READERS.get(where.subtopic)
        if reader is None:
            raise BadMessage(f"{where.subtopic} is sent by master control, not by vehicles", who, "topic")
        try:
            value = reader(body)
        except (KeyError, TypeError, ValueError) as exc:
            raise BadMessage(f"{where.subtopic} lacks or garbles a value we need ({exc!r})", who, str(exc)) from None
        return Inbound(where, version, body, value)
