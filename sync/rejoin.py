"""Rejoining a fenced node: the wire contract and central's pure decision.

A node whose ledger was restored from a backup (or cloned) is fenced: the same seqs now carry
other movements, and central refuses them. `sklad-edge rejoin` starts a new epoch: the node
sends its stock as it stands (on hand per SKU, summed over every location) with the seq it was
taken at. Central takes that stock as the warehouse's, records every difference from its own
view as a discrepancy for head office, and applies the new epoch's movements after that seq.

Pure: pydantic models and a decision function, no I/O, no imports of other Sklad packages.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from sync.applier import Cursor
from sync.errors import Fence

REJOIN_PATH = "/rejoin"
MAX_SKUS = 200_000
REJOIN_DISCREPANCY = "rejoin"

Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class RejoinRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: Annotated[str, Field(min_length=1, max_length=64)]
    epoch: Annotated[int, Field(ge=1)]
    from_seq: Annotated[int, Field(ge=0)]  # the node's last movement seq when the stock was taken
    on_hand: Annotated[dict[Sku, Annotated[int, Field(ge=0, le=2**31 - 1)]], Field(max_length=MAX_SKUS)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class RejoinAck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    node_id: str
    epoch: int
    last_seq: int
    discrepancies: int  # SKUs whose stock central had otherwise
    replay: bool = False


class StaleEpoch(Fence):
    """A rejoin with an epoch central has already moved past for this node."""

    code = "stale_epoch"


def decide_rejoin(cursor: Cursor, request: RejoinRequest) -> bool:
    """True to take the node's stock and move the cursor to the new epoch; False for a replay of
    the rejoin central already took (same node and epoch, nothing refused). Raises StaleEpoch."""
    if cursor.node_id == request.node_id and cursor.epoch == request.epoch:
        if cursor.last_seq >= request.from_seq:
            return False
        raise StaleEpoch(f"node {request.node_id} is already at epoch {request.epoch}: run `sklad-edge rejoin` "
                         "again to start a newer one")
    if cursor.node_id == request.node_id and request.epoch < cursor.epoch:
        raise StaleEpoch(f"node {request.node_id} is at epoch {cursor.epoch} at central, not {request.epoch}: "
                         "this ledger is older than the one central follows")
    return True


def differences(central_on_hand: dict[str, int], node_on_hand: dict[str, int]) -> dict[str, int]:
    """sku -> what central's on hand must change by to match the node's (only SKUs that differ)."""
    skus = set(central_on_hand) | set(node_on_hand)
    return {s: node_on_hand.get(s, 0) - central_on_hand.get(s, 0) for s in sorted(skus)
            if node_on_hand.get(s, 0) != central_on_hand.get(s, 0)}
