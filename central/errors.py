"""One error hierarchy for central. Messages say what went wrong and what to do about it.

Each error carries a stable machine-readable `code`; the HTTP layer maps classes to statuses.
"""

from __future__ import annotations

from typing import Any


class CentralError(Exception):
    """Base class: something a caller asked for cannot be done as asked."""

    code = "central_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidRequest(CentralError):
    """The request is well-formed JSON but breaks a business rule (e.g. duplicate lines)."""

    code = "invalid_request"


class NotFound(CentralError):
    code = "not_found"


class UnknownSku(NotFound):
    """A SKU the request names is not in the catalog."""

    code = "unknown_sku"


class UnknownPickupPoint(NotFound):
    code = "unknown_pickup_point"


class Conflict(CentralError):
    """The request clashes with the current state (wrong order status, reused key...)."""

    code = "conflict"


class TransitionRefused(Conflict):
    """A lifecycle's table has no step for this event from the current state."""

    def __init__(self, message: str, code: str = "transition_refused", **details: Any) -> None:
        super().__init__(message, **details)
        self.code = code


class IdempotencyConflict(Conflict):
    code = "idempotency_key_reused"


class OutOfStock(Conflict):
    code = "out_of_stock"


class AlreadyResolved(Conflict):
    """A discrepancy that was resolved differently before: a resolution is not rewritten."""

    code = "already_resolved"


class Unauthorized(CentralError):
    """No credentials, or credentials we do not recognise."""

    code = "unauthorized"


class Forbidden(CentralError):
    """Valid credentials that do not allow this action."""

    code = "forbidden"


class BadSignature(Unauthorized):
    code = "bad_signature"


class AcquirerError(CentralError):
    """The payment acquirer could not be reached or refused the request."""

    code = "acquirer_error"


class ConfigError(CentralError):
    """Central was started with settings it cannot run with."""

    code = "config_error"


class InvariantBroken(CentralError):
    """Central's own books disagree with themselves: a bug, never the caller's fault."""

    code = "invariant_broken"


class BatchMediaType(CentralError):
    """A movement upload whose Content-Type or Content-Encoding is not the batch format."""

    code = "bad_batch"
