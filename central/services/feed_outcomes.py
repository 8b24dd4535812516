"""What each warehouse's floor made of its feed entries (sync.outcomes), and what that does.

An outcome is recorded once per (warehouse, feed_seq): a resent report is counted as duplicates
and changes nothing. Each one must name an entry central put in that warehouse's feed, of the
type the feed gave it; the shipment is the feed entry's, not the report's word for it. Then:
a `cancel_shipment` the floor applied releases that shipment's units and, once the floor has
answered for every shipment of the order, refunds what it stopped; one it refused with
`already_shipped` leaves the shipment standing and the customer sees why. Other refusals are
recorded for head office (GET /admin/feed-rejections) and change no order.

The warehouse's upload cursor is locked first, so a report and a movement batch of one warehouse
never interleave (both move the same shipments).
"""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from central.bootstrap import Central
from central.db.tables import feed, feed_outcomes
from central.domain.orders import ShipmentEvent
from central.errors import InvalidRequest
from central.services.floor import apply_floor_events
from central.services.transitions import one_of
from central.sync.cursor import lock_cursor
from sync.outcomes import FeedOutcome, FeedOutcomeAck, FeedOutcomeReport, OutcomeCode

CANCEL = "cancel_shipment"


class FeedRejectionView(BaseModel):
    outcome_id: int
    warehouse_id: str
    feed_seq: int
    command_type: str
    code: str | None
    reason: str | None
    shipment_id: str | None
    at: datetime
    received_at: datetime


def record_outcomes(central: Central, warehouse_id: str, report: FeedOutcomeReport) -> FeedOutcomeAck:
    now = central.clock()
    firsts = list({o.feed_seq: o for o in reversed(report.outcomes)}.values())  # a seq twice: the first
    with central.db.write() as conn:
        lock_cursor(conn, warehouse_id, now)
        seqs = [o.feed_seq for o in firsts]
        known = set(conn.execute(sa.select(feed_outcomes.c.feed_seq).where(
            feed_outcomes.c.warehouse_id == warehouse_id, one_of(conn, feed_outcomes.c.feed_seq, seqs))).scalars())
        new = sorted((o for o in firsts if o.feed_seq not in known), key=lambda o: o.feed_seq)
        shipments = _entries(conn, warehouse_id, new)
        if new:
            conn.execute(feed_outcomes.insert(), [_row(warehouse_id, o, shipments[o.feed_seq], now) for o in new])
        events, notes = _floor_answers(new, shipments)
        apply_floor_events(conn, warehouse_id, events, now, notes)
    return FeedOutcomeAck(recorded=len(new), duplicates=len(report.outcomes) - len(new))


def list_rejections(central: Central, warehouse_id: str | None, after: int, limit: int) -> list[FeedRejectionView]:
    """Oldest first, with outcome_id > after (page with the last id seen)."""
    query = sa.select(feed_outcomes).where(feed_outcomes.c.status == "rejected", feed_outcomes.c.outcome_id > after)
    if warehouse_id is not None:
        query = query.where(feed_outcomes.c.warehouse_id == warehouse_id)
    with central.db.read() as conn:
        rows = conn.execute(query.order_by(feed_outcomes.c.outcome_id).limit(limit)).mappings().all()
    return [FeedRejectionView(**row) for row in rows]


def _entries(conn: Connection, warehouse_id: str, outcomes: list[FeedOutcome]) -> dict[int, str | None]:
    """feed_seq -> the shipment its feed entry names (None for entries about no shipment);
    InvalidRequest if an outcome names an entry this warehouse's feed does not hold, or its type."""
    if not outcomes:
        return {}
    rows = {seq: (kind, payload) for seq, kind, payload in conn.execute(
        sa.select(feed.c.feed_seq, feed.c.command_type, feed.c.payload).where(
            feed.c.warehouse_id == warehouse_id, one_of(conn, feed.c.feed_seq, [o.feed_seq for o in outcomes])))}
    shipments: dict[int, str | None] = {}
    for o in outcomes:
        if o.at.tzinfo is None:
            raise InvalidRequest(f"outcome for feed_seq {o.feed_seq}: 'at' needs a time zone, e.g. "
                                 "2026-03-02T09:00:00+00:00", feed_seq=o.feed_seq)
        if o.feed_seq not in rows:
            raise InvalidRequest(f"outcome for feed_seq {o.feed_seq}: warehouse {warehouse_id}'s feed has no "
                                 "such entry; report only entries read from this feed", feed_seq=o.feed_seq)
        kind, payload = rows[o.feed_seq]
        if kind != o.type:
            raise InvalidRequest(f"outcome for feed_seq {o.feed_seq} says type {o.type!r}, but that entry is "
                                 f"a {kind!r}", feed_seq=o.feed_seq)
        shipments[o.feed_seq] = json.loads(payload).get("shipment_id")
    return shipments


def _row(warehouse_id: str, o: FeedOutcome, shipment_id: str | None, now: datetime) -> dict:
    return {"warehouse_id": warehouse_id, "feed_seq": o.feed_seq, "command_type": o.type, "status": o.status,
            "code": o.code.value if o.code else None, "reason": o.reason, "shipment_id": shipment_id,
            "at": o.at, "received_at": now}


def _floor_answers(outcomes: list[FeedOutcome], shipments: dict[int, str | None]
                   ) -> tuple[dict[str, list[ShipmentEvent]], dict[str, str]]:
    """Shipment events of the cancels the floor answered, and the floor's reason with a refusal."""
    events: dict[str, list[ShipmentEvent]] = {}
    notes: dict[str, str] = {}
    for o in outcomes:
        sid = shipments[o.feed_seq]
        if o.type != CANCEL or sid is None:
            continue
        if o.status == "applied":
            events.setdefault(sid, []).append(ShipmentEvent.CANCEL_APPLIED)
        elif o.code is OutcomeCode.ALREADY_SHIPPED:
            events.setdefault(sid, []).append(ShipmentEvent.CANCEL_REFUSED)
            notes[sid] = o.reason or "it had already shipped"
    return events, notes
