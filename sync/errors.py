"""Errors of the sync layer. A refusal tells the sender what to do next."""

from __future__ import annotations


class SyncError(Exception):
    code = "sync"


class BadBatch(SyncError):
    """The bytes are not a valid movement batch (the peer's fault: never retry the same bytes)."""

    code = "bad_batch"


class WireMismatch(BadBatch):
    """The batch is of another movement wire version than central reads: edge and central are of
    different releases. The movements wait in the edge's ledger until the older side is upgraded."""

    def __init__(self, sent: int, reads: int):
        older = "the edge node and its sync agent" if sent < reads else "central"
        super().__init__(f"the batch is movement wire version {sent}, central reads version {reads}: "
                         f"upgrade {older} to the same release; the movements wait in the edge's ledger "
                         "and nothing was applied")
        self.sent = sent


class Gap(SyncError):
    """The batch starts after the next expected seq: resend from `expected_seq`."""

    code = "gap"

    def __init__(self, expected_seq: int, got: int):
        super().__init__(f"expected movements from seq {expected_seq}, the batch starts at {got}: resend from there")
        self.expected_seq = expected_seq


class Fence(SyncError):
    """A seq central already holds arrived with different content: a restored or cloned node."""

    code = "fence"


class Unreachable(SyncError):
    """The other side could not be reached (network, timeout, 5xx): retry with backoff."""

    code = "unreachable"
