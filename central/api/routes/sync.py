"""Sync endpoints for edge nodes: upload movements, long-poll the feed, read the cursor.

Every route needs the warehouse's own sync token (see central.api.warehouse_auth).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from central.api.auth import CentralDep
from central.api.schemas import ERROR_RESPONSES, Cursor, Limit
from central.api.warehouse_auth import WarehouseDep
from central.errors import BatchMediaType
from central.services.feed_outcomes import record_outcomes
from central.sync.cursor import read_cursor
from central.sync.feed_poll import MAX_WAIT_SECONDS, read_page, wait_for_entries
from central.sync.rejoin import rejoin
from central.sync.upload import apply_upload
from sync.feed import FeedEntry
from sync.movements import CONTENT_ENCODING, CONTENT_TYPE
from sync.outcomes import OUTCOMES_PATH, FeedOutcomeAck, FeedOutcomeReport
from sync.rejoin import RejoinAck, RejoinRequest

router = APIRouter(prefix="/sync/v1/warehouses/{warehouse_id}", tags=["sync"],
                   responses=ERROR_RESPONSES | {413: ERROR_RESPONSES[400], 415: ERROR_RESPONSES[400]})
Wait = Annotated[float, Query(ge=0, le=3600,
                               description=f"seconds to wait for an entry (at most {MAX_WAIT_SECONDS:g})")]


class Ack(BaseModel):
    accepted_through: int
    applied: int
    duplicates: int


class FeedOut(BaseModel):
    entries: list[FeedEntry]
    last_seq: int


class CursorOut(BaseModel):
    node_id: str | None
    epoch: int
    last_seq: int


async def _body(request: Request) -> bytes:
    """The raw batch, in its format (central.api.limits refuses one over MAX_BATCH_BYTES before
    it is read)."""
    if request.headers.get("content-type", "").split(";")[0].strip() != CONTENT_TYPE:
        raise BatchMediaType(f"send movements as Content-Type {CONTENT_TYPE}")
    if request.headers.get("content-encoding", "").strip().lower() != CONTENT_ENCODING:
        raise BatchMediaType(f"send movements with Content-Encoding {CONTENT_ENCODING}")
    return await request.body()


@router.post("/movements", response_model=Ack, openapi_extra={
    "requestBody": {"required": True, "content": {CONTENT_TYPE: {"schema": {"type": "string",
                                                                           "format": "binary"}}}}})
async def upload(request: Request, warehouse_id: WarehouseDep, central: CentralDep) -> Ack:
    """Apply a movement batch (msgpack rows, zstd): exactly once, with the warehouse's cursor.

    A replay is acknowledged with `duplicates`; a gap is 409 `gap` with `details.expected_seq`;
    the same seq with other content is 409 `fence` and nothing is applied.
    """
    body = await _body(request)
    return Ack(**await run_in_threadpool(apply_upload, central, warehouse_id, body))


@router.get("/feed", response_model=FeedOut)
async def feed(warehouse_id: WarehouseDep, central: CentralDep, after: Cursor = 0,
               limit: Limit = 500, wait: Wait = 0.0) -> FeedOut:
    """Commands after `after`, oldest first; with `wait`, holds the request until one arrives."""
    if wait > 0:
        entries, last = await wait_for_entries(central, warehouse_id, after, limit, wait)
    else:
        entries, last = await run_in_threadpool(read_page, central, warehouse_id, after, limit)
    return FeedOut(entries=entries, last_seq=last)


@router.get("/cursor", response_model=CursorOut)
def cursor(warehouse_id: WarehouseDep, central: CentralDep) -> CursorOut:
    """How far central has applied this warehouse's movements, and from which node."""
    with central.db.read() as conn:
        c = read_cursor(conn, warehouse_id)
    return CursorOut(node_id=c.node_id, epoch=c.epoch, last_seq=c.last_seq)


@router.post(OUTCOMES_PATH, response_model=FeedOutcomeAck)
def feed_outcomes(body: FeedOutcomeReport, warehouse_id: WarehouseDep, central: CentralDep) -> FeedOutcomeAck:
    """What the floor made of feed entries: every rejection (with its code and reason) and every
    cancel it applied. Once per feed_seq: a resend is counted in `duplicates` and changes nothing.

    A cancel applied releases the shipment's units and, once every shipment of the order is
    answered, refunds what was stopped; a cancel refused as `already_shipped` leaves the order
    standing and tells the customer why. An outcome for an entry not in this warehouse's feed, or
    of another type than the entry's, is refused (422) and nothing of the report is recorded.
    """
    return record_outcomes(central, warehouse_id, body)


@router.post("/rejoin", response_model=RejoinAck)
def rejoin_node(body: RejoinRequest, warehouse_id: WarehouseDep, central: CentralDep) -> RejoinAck:
    """A fenced node starts a new epoch (`sklad-edge rejoin`): central takes the node's stock as the
    warehouse's, records each difference as a `rejoin` discrepancy, and applies the new epoch's
    movements after `from_seq`. Sent again, it is acknowledged with `replay`; an older epoch is 409."""
    return rejoin(central, warehouse_id, body)
