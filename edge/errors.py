"""One error hierarchy for the edge node. Messages are read by people on the floor: say what is
wrong, where, and what was expected."""

from __future__ import annotations


class EdgeError(Exception):
    """Base of every error the edge node raises on purpose."""

    code = "error"


class ConfigError(EdgeError):
    code = "config"

    def __init__(self, file: str, key: str, expected: str, got: object = None):
        self.file, self.key, self.expected = file, key, expected
        detail = "" if got is None else f", got {got!r}"
        super().__init__(f"{file}: {key}: expected {expected}{detail}")


class CommandRejected(EdgeError):
    """A command that cannot be applied; nothing was changed."""

    code = "rejected"


class InvalidCommand(CommandRejected):
    code = "invalid"


class NotFound(CommandRejected):
    code = "not_found"


class Conflict(CommandRejected):
    """The request is well-formed but contradicts the ledger (wrong bin, over-pick, ...)."""

    code = "conflict"


class AlreadyShipped(Conflict):
    """The shipment has left the building: it can no longer be cancelled or changed."""


class IdempotencyMismatch(CommandRejected):
    code = "idempotency_mismatch"


class LedgerError(EdgeError):
    code = "ledger"


class ProtocolError(EdgeError):
    """A terminal message that is not a valid request."""

    code = "protocol"
