"""Shipment and order status from the floor's movements: pick, pack and ship are shipment events.

The events go through the shipment lifecycle table (central.domain.orders.SHIPMENT), applied
by central.services.floor: statuses only move forward, a shipment central cancelled stays
cancelled (the stock deltas still count: they happened), and a ship movement for a shipment
whose cancel is pending means the floor refused the cancel. Movements naming a shipment central
does not know (or another warehouse's) move no status.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.engine import Connection

from central.domain.orders import FLOOR_EVENTS, ShipmentEvent
from central.services.floor import apply_floor_events
from sync.movements import Movement


def floor_events(movements: Sequence[Movement]) -> dict[str, list[ShipmentEvent]]:
    """shipment_ref -> the shipment events the batch's movements show, in order, repeats dropped."""
    events: dict[str, list[ShipmentEvent]] = {}
    for m in movements:
        event = FLOOR_EVENTS.get(m.kind)
        if event is not None and m.shipment_ref:
            seen = events.setdefault(m.shipment_ref, [])
            if not seen or seen[-1] is not event:
                seen.append(event)
    return events


def progress_shipments(conn: Connection, warehouse_id: str, events: dict[str, list[ShipmentEvent]],
                       now: datetime) -> int:
    """Move this warehouse's shipments forward to what the floor did; returns how many moved."""
    return apply_floor_events(conn, warehouse_id, events, now)
