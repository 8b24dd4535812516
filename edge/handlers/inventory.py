"""Inventory control: adjustments with a reason code and cycle counts."""

from __future__ import annotations

from edge.domain.commands import Adjust, Count
from edge.domain.events import CountRecorded, StockAdjusted
from edge.errors import Conflict, InvalidCommand
from edge.ledger.uow import Movement, UnitOfWork


def _signed(kind: str, sku: str, lot: str, location: str, delta: int, reason: str) -> Movement:
    if delta < 0:
        return Movement(kind, sku, -delta, lot=lot, from_location=location, reason=reason)
    return Movement(kind, sku, delta, lot=lot, to_location=location, reason=reason)


def adjust(cmd: Adjust, uow: UnitOfWork) -> dict:
    if uow.adjust_reasons and cmd.reason not in uow.adjust_reasons:
        raise InvalidCommand(f"reason {cmd.reason!r} is not one of {', '.join(uow.adjust_reasons)}")
    sku = uow.catalog.resolve(cmd.sku)
    uow.locations.get(cmd.location)
    lot = cmd.lot or ""
    on_hand, allocated = uow.balances.get(sku, cmd.location, lot)
    if on_hand + cmd.delta < allocated:
        raise Conflict(
            f"{cmd.location} holds {on_hand} of {sku} with {allocated} allocated to picks: "
            f"cannot adjust by {cmd.delta}"
        )
    seq = uow.record(_signed("adjust", sku, lot, cmd.location, cmd.delta, cmd.reason))
    uow.emit(StockAdjusted(sku, cmd.location, cmd.delta, cmd.reason))
    return {"seq": seq, "on_hand": on_hand + cmd.delta}


def count(cmd: Count, uow: UnitOfWork) -> dict:
    sku = uow.catalog.resolve(cmd.sku)
    uow.locations.get(cmd.location)
    lot = cmd.lot or ""
    on_hand, allocated = uow.balances.get(sku, cmd.location, lot)
    if cmd.counted < allocated:
        raise Conflict(
            f"{cmd.location} has {allocated} of {sku} allocated to open picks but {cmd.counted} counted: "
            "short-pick those tasks first, then count again"
        )
    variance = cmd.counted - on_hand
    # A zero-variance count is still recorded: it is the audit trail that the bin was checked.
    seq = uow.record(_signed("count", sku, lot, cmd.location, variance, "cycle count"))
    uow.tasks.close_counts(cmd.location, sku, uow.now)
    uow.emit(CountRecorded(cmd.location, sku, cmd.counted, variance))
    return {"seq": seq, "variance": variance}
