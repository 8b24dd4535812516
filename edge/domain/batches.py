"""Batch and cluster picking, pure rules: the batch lifecycle, which tote or cubby a unit goes
to, and the refusals a picker reads when a unit goes to the wrong one.

Cluster: N totes on a cart, one per shipment; the picker walks the path once over all their
lines. Put wall: one tote for the whole batch; at the wall each unit is put into the cubby of
its shipment, each put a ledger movement (tote -> cubby), and a cubby is packed like a tote.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from edge.errors import Conflict

MODES = ("cluster", "put_wall")
# (state, trigger) -> new state: every path that changes a batch goes through `next_state`.
TRANSITIONS = {
    ("picking", "picks_closed_cluster"): "done",     # each tote goes to pack as it is
    ("picking", "picks_closed_put_wall"): "putting",  # the batch tote goes to the wall
    ("putting", "tote_emptied"): "done",
    ("picking", "all_cancelled"): "cancelled",  # every shipment of it was cancelled on the way
    ("putting", "all_cancelled"): "cancelled",
}
CLOSED = ("done", "cancelled")
MAX_BATCH = 24  # shipments on one cart or one wall
DEFAULT_MAX_UNITS = 5  # a "small" shipment: few enough units to share a cart


def next_state(state: str, trigger: str) -> str:
    new = TRANSITIONS.get((state, trigger))
    if new is None:
        raise Conflict(f"a batch that is {state} cannot take {trigger.replace('_', ' ')}")
    return new


def picks_closed_trigger(mode: str) -> str:
    return f"picks_closed_{mode}"


def wrong_tote(expected_tote: str, shipment_id: str, scanned: str) -> Conflict:
    return Conflict(f"this unit goes to tote {expected_tote} (shipment {shipment_id}), not {scanned}")


def cancelled(shipment_id: str, then: str) -> Conflict:
    """A unit of a shipment cancelled while it was in the batch: what to do with it instead."""
    return Conflict(f"shipment {shipment_id} was cancelled — {then}")


PUT_BACK_TOTE = "put the item in the put-back tote"


def pair_totes(shipments: list[str], totes: Iterable[str]) -> dict[str, str]:
    """One tote per shipment, in the order the picker scanned them onto the cart."""
    totes = list(totes)
    if len(set(totes)) != len(totes):
        raise Conflict(f"a tote is scanned twice for the cart: {totes}")
    return dict(zip(shipments, totes, strict=False))


@dataclass(frozen=True)
class CubbyNeed:
    cubby: str
    shipment_id: str
    needed: int  # units of the SKU the cubby's shipment has in the batch tote and not yet got


@dataclass(frozen=True)
class Gone:
    """What cancelled shipments of a put-wall batch leave behind: their cubbies, and the SKUs they
    had picked into the batch tote (units of those may still turn up at the wall)."""

    cubbies: dict[str, str] = field(default_factory=dict)  # cubby -> its cancelled shipment
    skus: dict[str, str] = field(default_factory=dict)  # sku -> a cancelled shipment that had it picked


def put_target(sku: str, needs: list[CubbyNeed], batch_id: int, gone: Gone | None = None) -> CubbyNeed:
    """The cubby a unit of `sku` goes to: the first (in wall order) whose shipment still needs it."""
    for need in needs:
        if need.needed > 0:
            return need
    if gone and sku in gone.skus:
        raise cancelled(gone.skus[sku], PUT_BACK_TOTE)
    raise Conflict(f"no shipment of batch {batch_id} still needs {sku}: set the unit aside for the supervisor")


def check_put(sku: str, cubby: str, qty: int, needs: list[CubbyNeed], batch_id: int,
              gone: Gone | None = None) -> CubbyNeed:
    """A put of `qty` units into `cubby`: refused by name if the cubby's shipment does not need them."""
    mine = next((n for n in needs if n.cubby == cubby), None)
    if mine is None and gone and cubby in gone.cubbies:
        raise cancelled(gone.cubbies[cubby], f"cubby {cubby} is closed: {PUT_BACK_TOTE}")
    if mine is None:
        raise Conflict(f"cubby {cubby} holds no shipment of batch {batch_id}: put the unit in a lit cubby")
    if mine.needed >= qty:
        return mine
    if mine.needed == 0:
        right = put_target(sku, needs, batch_id, gone)
        raise Conflict(f"this unit goes to cubby {right.cubby} (shipment {right.shipment_id}), not {cubby}")
    raise Conflict(f"cubby {cubby} (shipment {mine.shipment_id}) needs {mine.needed} more {sku}, not {qty}")


def assign_cubbies(shipments: list[str], free: list[str], wall: str) -> dict[str, str]:
    if len(free) < len(shipments):
        raise Conflict(f"wall {wall} has {len(free)} free cubbies, the batch needs {len(shipments)}: "
                       "pack the finished cubbies first")
    return dict(zip(shipments, free, strict=False))
