"""Rejoining a fenced node: the wire contract and central's pure decision.

A node whose ledger was restored from a backup (or cloned) is fenced: the same seqs now carry
other movements, and central refuses them. `sklad-edge rejoin` starts a new epoch: the node
sends its stock as it stands (on hand per SKU, summed over every location, and how many of those
units are at locations that are not sellable) with the seq it was taken at. Central takes that
stock as the warehouse's, records every difference from its own
view as a discrepancy for head office, and applies the new epoch's movements after that seq.

Pure: pydantic models and a decision function, no I/O, no imports of other Sklad packages.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sync.applier import Cursor
from sync.errors import Fence

REJOIN_PATH = "/rejoin"
MAX_SKUS = 200_000
REJOIN_DISCREPANCY = "rejoin"
REJOIN_UNSELLABLE_DISCREPANCY = "rejoin_unsellable"

Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Units = Annotated[int, Field(ge=0, le=2**31 - 1)]


class RejoinRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    node_id: Annotated[str, Field(min_length=1, max_length=64)]
    epoch: Annotated[int, Field(ge=1)]
    from_seq: Annotated[int, Field(ge=0)]  # the node's last movement seq when the stock was taken
    on_hand: Annotated[dict[Sku, Units], Field(max_length=MAX_SKUS)]
    # of on_hand, the units at locations that are not sellable (a SKU left out has none)
    unsellable: Annotated[dict[Sku, Units], Field(max_length=MAX_SKUS)]
    reason: Annotated[str, Field(min_length=1, max_length=200)]

    @model_validator(mode="after")
    def _unsellable_within_on_hand(self) -> RejoinRequest:
        over = sorted(sku for sku, units in self.unsellable.items() if units > self.on_hand.get(sku, 0))
        if over:
            raise ValueError(f"unsellable units exceed on hand for {len(over)} SKU(s) ({', '.join(over[:5])}): "
                             "the stock was not read in one transaction; run `sklad-edge rejoin` again")
        return self

    def stock(self) -> dict[str, tuple[int, int]]:
        """sku -> (on hand, unsellable), as `differences` compares them."""
        return {sku: (units, self.unsellable.get(sku, 0)) for sku, units in self.on_hand.items()}


class RejoinAck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    node_id: str
    epoch: int
    last_seq: int
    discrepancies: int  # figures (a SKU's on hand, its unsellable units) central had otherwise
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


def differences(central: dict[str, tuple[int, int]], node: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """sku -> what central's (on hand, unsellable) must change by to match the node's (only SKUs that differ)."""
    none = (0, 0)
    return {s: (node.get(s, none)[0] - central.get(s, none)[0], node.get(s, none)[1] - central.get(s, none)[1])
            for s in sorted(set(central) | set(node)) if node.get(s, none) != central.get(s, none)}
