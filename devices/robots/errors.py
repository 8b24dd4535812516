"""One error hierarchy for the robots package: local (we built something wrong) and remote (a
vehicle or the broker sent something wrong)."""

from __future__ import annotations


class RobotError(Exception):
    """Base of every robots error; the message says what, where and what was expected."""


class LocalError(RobotError):
    """Master control tried something the protocol or the vehicle's factsheet does not allow."""


class LimitExceeded(LocalError):
    """An order or action breaks a limit the vehicle's factsheet declares."""


class OrderUpdateError(LocalError):
    """An order update that is not a valid continuation (lower orderUpdateId, wrong stitching node)."""


class RemoteError(RobotError):
    """A message from a vehicle is not what VDA 5050 says it must be."""

    def __init__(self, message: str, vehicle: str = "?", field: str = "") -> None:
        super().__init__(f"{vehicle}: {field + ': ' if field else ''}{message}")
        self.vehicle = vehicle
        self.field = field


class BadTopic(RemoteError):
    """A topic that is not {interface}/{major}/{manufacturer}/{serialNumber}/{subtopic}."""


class BadMessage(RemoteError):
    """A payload that is not JSON, fails its schema, or has values that make no sense."""
