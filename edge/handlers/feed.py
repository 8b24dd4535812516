"""Applying central's feed: each entry in one transaction with the feed cursor, exactly once.

A command the floor cannot take (say, an order for a SKU this warehouse never heard of, or a
command type a newer central sends) is recorded as rejected with a code and the cursor still
moves on: one bad entry must not stop every order behind it. Rejections and applied cancels are
kept in feed_outcomes, which the sync agent reports up to central (see edge/sync_outcomes.py);
they are visible in `sklad-edge status` for a person to follow up.
"""

from __future__ import annotations

import apsw

from edge.domain import commands as c
from edge.errors import AlreadyShipped, CommandRejected, Conflict, InvalidCommand, NotFound
from edge.handlers.inbound import upsert_sku
from edge.handlers.outbound import allocate_shipment, cancel_shipment
from edge.handlers.returns import expect_return
from edge.handlers.routes import store_route, withdraw_routes
from edge.ledger.uow import UnitOfWork
from sync import feed as f
from sync.outcomes import OutcomeCode

FEED_CURSOR = "feed_applied_seq"


def _fulfil(cmd: f.FulfilmentOrder, entry: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    lines = tuple(c.OrderLine(line.sku, line.qty) for line in cmd.lines)
    return allocate_shipment(c.AllocateShipment(entry.key, cmd.shipment_id, cmd.order_id, lines,
                                                cmd.pickup_point_id), uow)


def _cancel(cmd: f.CancelShipment, entry: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    return cancel_shipment(c.CancelShipment(entry.key, cmd.shipment_id, cmd.reason), uow)


def _catalog(cmd: f.CatalogUpsert, entry: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    return upsert_sku(c.UpsertSku(entry.key, cmd.sku, cmd.name, tuple(cmd.gtins), cmd.unit_weight_g,
                                  cmd.lot_tracked), uow)


def _asn(cmd: f.AdvanceShippingNotice, entry: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    for line in cmd.lines:
        uow.catalog.lot_tracked(line.sku)  # the SKU must be known before its goods arrive
        uow.sync_state.expect(cmd.asn_id, line.sku, line.qty, line.lot or "",
                              line.expiry.isoformat() if line.expiry else None, cmd.expected_at.isoformat())
    return {"asn_id": cmd.asn_id, "lines": len(cmd.lines)}


def _unreadable(cmd: f.UnreadableCommand, entry: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    raise _Unreadable(cmd.code, cmd.reason)


class _Unreadable(CommandRejected):
    def __init__(self, outcome: OutcomeCode, reason: str):
        super().__init__(reason)
        self.outcome = outcome


APPLY = {
    f.FulfilmentOrder: _fulfil,
    f.CancelShipment: _cancel,
    f.CatalogUpsert: _catalog,
    f.AdvanceShippingNotice: _asn,
    f.ReturnNotice: lambda cmd, entry, uow: expect_return(cmd, uow),
    f.DeliveryRoute: lambda cmd, entry, uow: store_route(cmd, entry.feed_seq, uow),
    f.RouteWithdrawal: lambda cmd, entry, uow: withdraw_routes(cmd, uow),
    f.UnreadableCommand: _unreadable,
}

# Central acts on these when the floor has them: a cancel releases stock, a route is on (or off) the floor.
REPORTED_WHEN_APPLIED = (f.CancelShipment, f.DeliveryRoute, f.RouteWithdrawal)

# Most specific first: AlreadyShipped is a Conflict.
CODES: tuple[tuple[type[CommandRejected], OutcomeCode], ...] = (
    (AlreadyShipped, OutcomeCode.ALREADY_SHIPPED),
    (NotFound, OutcomeCode.NOT_FOUND),
    (InvalidCommand, OutcomeCode.INVALID_ENTRY),
    (Conflict, OutcomeCode.REJECTED),
)


def outcome_code(exc: Exception) -> OutcomeCode:
    if isinstance(exc, _Unreadable):
        return exc.outcome
    if isinstance(exc, apsw.ConstraintError):
        return OutcomeCode.INVALID_ENTRY
    return next((code for kind, code in CODES if isinstance(exc, kind)), OutcomeCode.REJECTED)


def apply_feed_entry(cmd: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    applied = int(uow.sync_state.get(FEED_CURSOR, "0"))
    if cmd.feed_seq <= applied:
        return {"feed_seq": cmd.feed_seq, "already_applied": True}
    if cmd.feed_seq != applied + 1:
        raise Conflict(f"feed entry {cmd.feed_seq} arrived but entry {applied + 1} is next")
    command = cmd.command
    shipment_id = getattr(command, "shipment_id", None)
    try:
        with uow.savepoint("feed"):
            result = APPLY[type(command)](command, cmd, uow)
    except (CommandRejected, apsw.ConstraintError) as exc:
        # A constraint refuses the same entry every time: retried, it would hold up the feed for ever.
        code = outcome_code(exc)
        uow.sync_state.record_feed_outcome(cmd.feed_seq, command.type, uow.now, code=code.value,
                                           reason=str(exc)[:500], shipment_id=shipment_id)
        result = {"rejected": str(exc), "code": code.value}
    else:
        if isinstance(command, REPORTED_WHEN_APPLIED):
            uow.sync_state.record_feed_outcome(cmd.feed_seq, command.type, uow.now, shipment_id=shipment_id)
    uow.sync_state.set(FEED_CURSOR, cmd.feed_seq)
    return {"feed_seq": cmd.feed_seq, **result}
