"""The delivery event log: each courier or pickup-point event acted on, by its sender's id.

A replay (same id, same sender, same body) gets the first answer again and changes nothing;
the same id with another body or sender is refused.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from central.db.tables import delivery_events
from central.logistics.errors import EventReused
from central.logistics.lifecycle import RouteStatus, StopStatus
from central.logistics.views import EventResult


def outcome(event_id: str, rid: str | None, route_status: RouteStatus | None, seq: int | None,
            stop_status: StopStatus | None, moved: dict[str, str]) -> EventResult:
    return EventResult(event_id=event_id, duplicate=False, route_id=rid,
                       route_status=route_status.value if route_status else None, stop_seq=seq,
                       stop_status=stop_status.value if stop_status else None, shipments=moved)


def digest(scope: str, ev: object) -> str:
    body = json.dumps([scope, ev.__dict__], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def replayed(conn: Connection, event_id: str, actor: str, body_hash: str) -> EventResult | None:
    row = conn.execute(sa.select(delivery_events).where(delivery_events.c.event_id == event_id)).mappings().first()
    if row is None:
        return None
    if row["actor"] != actor or row["body_hash"] != body_hash:
        raise EventReused(f"event id {event_id} was already used for a different event; send each event "
                          "with its own id", event_id=event_id)
    return EventResult.model_validate_json(row["result"]).model_copy(update={"duplicate": True})


def remember(conn: Connection, event_id: str, actor: str, kind: str, body_hash: str, result: EventResult,
              now: datetime) -> None:
    row = {"event_id": event_id, "actor": actor, "kind": kind, "body_hash": body_hash,
           "result": result.model_dump_json(), "received_at": now}
    inserted = conn.execute(_insert(conn)(delivery_events).values(row).on_conflict_do_nothing(
        index_elements=["event_id"]).returning(delivery_events.c.event_id)).first()
    if inserted is None:  # the same id arrived at the same time by another path: that one stands
        raise EventReused(f"event id {event_id} was recorded by a concurrent request; send it again to see "
                          "its result", event_id=event_id)




def _insert(conn: Connection):  # type: ignore[no-untyped-def]
    return postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
