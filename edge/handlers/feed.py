"""Applying central's feed: each entry in one transaction with the feed cursor, exactly once.

A command the floor cannot take (say, an order for a SKU this warehouse never heard of) is
recorded in feed_rejections and the cursor still moves on: one bad entry must not stop every
order behind it. The rejection is visible in `sklad-edge status` for a person to follow up.
"""

from __future__ import annotations

from edge.domain import commands as c
from edge.errors import CommandRejected, Conflict
from edge.handlers.inbound import upsert_sku
from edge.handlers.outbound import allocate_shipment, cancel_shipment
from edge.ledger.uow import UnitOfWork
from sync import feed as f

FEED_CURSOR = "feed_applied_seq"


def _fulfil(cmd: f.FulfilmentOrder, key: str, uow: UnitOfWork) -> dict:
    lines = tuple(c.OrderLine(line.sku, line.qty) for line in cmd.lines)
    return allocate_shipment(c.AllocateShipment(key, cmd.shipment_id, cmd.order_id, lines, cmd.pickup_point_id), uow)


def _cancel(cmd: f.CancelShipment, key: str, uow: UnitOfWork) -> dict:
    return cancel_shipment(c.CancelShipment(key, cmd.shipment_id, cmd.reason), uow)


def _catalog(cmd: f.CatalogUpsert, key: str, uow: UnitOfWork) -> dict:
    return upsert_sku(c.UpsertSku(key, cmd.sku, cmd.name, tuple(cmd.gtins), cmd.unit_weight_g, cmd.lot_tracked), uow)


def _asn(cmd: f.AdvanceShippingNotice, key: str, uow: UnitOfWork) -> dict:
    for line in cmd.lines:
        uow.catalog.lot_tracked(line.sku)  # the SKU must be known before its goods arrive
        uow.sync_state.expect(cmd.asn_id, line.sku, line.qty, line.lot or "",
                              line.expiry.isoformat() if line.expiry else None, cmd.expected_at.isoformat())
    return {"asn_id": cmd.asn_id, "lines": len(cmd.lines)}


APPLY = {
    f.FulfilmentOrder: _fulfil,
    f.CancelShipment: _cancel,
    f.CatalogUpsert: _catalog,
    f.AdvanceShippingNotice: _asn,
}


def apply_feed_entry(cmd: c.ApplyFeedEntry, uow: UnitOfWork) -> dict:
    applied = int(uow.sync_state.get(FEED_CURSOR, "0"))
    if cmd.feed_seq <= applied:
        return {"feed_seq": cmd.feed_seq, "already_applied": True}
    if cmd.feed_seq != applied + 1:
        raise Conflict(f"feed entry {cmd.feed_seq} arrived but entry {applied + 1} is next")
    kind = type(cmd.command)
    try:
        with uow.savepoint("feed"):
            result = APPLY[kind](cmd.command, cmd.key, uow)
    except CommandRejected as exc:
        uow.sync_state.reject_feed(cmd.feed_seq, cmd.command.type, str(exc), uow.now)
        result = {"rejected": str(exc)}
    uow.sync_state.set(FEED_CURSOR, cmd.feed_seq)
    return {"feed_seq": cmd.feed_seq, **result}
