"""MQTT topics: {interface}/{majorVersion}/{manufacturer}/{serialNumber}/{subtopic} (VDA 5050 §6.1)."""

from __future__ import annotations

from dataclasses import dataclass

from devices.robots.errors import BadTopic

SUBTOPICS = ("order", "instantActions", "state", "visualization", "connection", "factsheet")
FROM_MASTER = ("order", "instantActions")
FROM_VEHICLE = ("state", "visualization", "connection", "factsheet")
RETAINED = ("connection",)


@dataclass(frozen=True)
class VehicleId:
    manufacturer: str
    serial: str

    def __str__(self) -> str:
        return f"{self.manufacturer}/{self.serial}"


@dataclass(frozen=True)
class Topic:
    interface: str
    major: str
    vehicle: VehicleId
    subtopic: str

    def __str__(self) -> str:
        return f"{self.interface}/{self.major}/{self.vehicle.manufacturer}/{self.vehicle.serial}/{self.subtopic}"

    @property
    def qos(self) -> int:
        """VDA 5050 §6.2: QoS 1 for connection, QoS 0 for everything else."""
        return 1 if self.subtopic in RETAINED else 0

    @property
    def retain(self) -> bool:
        return self.subtopic in RETAINED


def _check_level(value: str, what: str) -> None:
    if not value or any(ch in value for ch in "/+#"):
        raise BadTopic(f"{what} {value!r} must be non-empty and free of '/', '+' and '#'", field="topic")


def topic(interface: str, major: str, vehicle: VehicleId, subtopic: str) -> Topic:
    if subtopic not in SUBTOPICS:
        raise BadTopic(f"subtopic {subtopic!r} is not one of {', '.join(SUBTOPICS)}", str(vehicle), "topic")
    for value, what in ((interface, "interface"), (vehicle.manufacturer, "manufacturer"),
                        (vehicle.serial, "serialNumber")):
        _check_level(value, what)
    return Topic(interface, major, vehicle, subtopic)


def parse_topic(text: str) -> Topic:
    parts = text.split("/")
    if len(parts) != 5:
        raise BadTopic(f"topic {text!r} must have 5 levels: interface/major/manufacturer/serial/subtopic",
                       field="topic")
    interface, major, manufacturer, serial, subtopic = parts
    if not (major.startswith("v") and major[1:].isdigit()):
        raise BadTopic(f"topic {text!r}: major version {major!r} must look like v2", field="topic")
    return topic(interface, major, VehicleId(manufacturer, serial), subtopic)


def subscription(interface: str, major: str, subtopic: str) -> str:
    """The wildcard that catches one subtopic of every vehicle on an interface."""
    return f"{interface}/{major}/+/+/{subtopic}"
