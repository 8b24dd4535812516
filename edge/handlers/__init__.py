"""Command handlers: short functions `(cmd, uow) -> result dict`, looked up by command type."""

from __future__ import annotations

from collections.abc import Callable

from edge.domain import commands as c
from edge.domain import labels as lc
from edge.domain import replenish_commands as rc
from edge.domain import returns as rt
from edge.fleet import ledger_handlers as fleet_handlers
from edge.handlers import (
    exceptions,
    feed,
    inbound,
    inventory,
    labels,
    outbound,
    picking,
    replenishment,
    returns,
    shipping,
)
from edge.handlers.batch_table import BATCH_HANDLERS
from edge.ledger.uow import UnitOfWork

Handler = Callable[[c.Command, UnitOfWork], dict]

HANDLERS: dict[type[c.Command], Handler] = {
    c.UpsertSku: inbound.upsert_sku,
    c.Receive: inbound.receive,
    c.Move: inbound.move,
    c.AllocateShipment: outbound.allocate_shipment,
    c.CancelShipment: outbound.cancel_shipment,
    c.NextTask: picking.next_task,
    c.ConfirmPick: picking.confirm_pick,
    c.ShortPick: picking.short_pick,
    c.Pack: shipping.pack,
    c.Ship: shipping.ship,
    c.ReportException: exceptions.report_exception,
    c.ResolveException: exceptions.resolve_exception,
    c.Adjust: inventory.adjust,
    c.Count: inventory.count,
    c.ApplyFeedEntry: feed.apply_feed_entry,
    lc.AssignLabel: labels.assign_label,
    lc.RecordLabelPrint: labels.record_label_print,
    rc.RequestReplenishment: replenishment.request_replenishment,
    rc.NextReplenishment: replenishment.next_replenishment,
    rc.ConfirmReplenishment: replenishment.confirm_replenishment,
    rc.RulesFromVelocity: replenishment.rules_from_velocity,
    rc.HandToFleet: replenishment.hand_to_fleet,
    rt.ReceiveReturn: returns.receive_return,
    rt.InspectReturn: returns.inspect_return,
}
HANDLERS.update(fleet_handlers.HANDLERS)  # transport tasks of the robot fleet
HANDLERS.update(BATCH_HANDLERS)  # waves, batch and cluster picking, the put wall
