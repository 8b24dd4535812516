"""What the floor made of a feed entry, reported back up to central.

Pure wire contract: pydantic v2 models, no I/O, no imports of other Sklad packages.

The edge reports every feed entry it **rejected** (with a code and the reason a person can act
on) and every `cancel_shipment` it **applied**, so central's order follows the floor's answer:
a cancel the floor accepted releases the hold and refunds; a cancel refused because the shipment
already left the building leaves the order standing and tells the customer why.

Sent as JSON to `POST {API}/{warehouse_id}/feed/outcomes` with the warehouse's sync token;
central records each outcome once per (warehouse, feed_seq), so a resend is harmless.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

OUTCOMES_PATH = "/feed/outcomes"
MAX_OUTCOMES_PER_REPORT = 500


class OutcomeCode(StrEnum):
    """Why the floor refused an entry; central decides what the order does from this alone."""

    ALREADY_SHIPPED = "already_shipped"      # a cancel came after the shipment left the building
    UNKNOWN_COMMAND = "unknown_command"      # a command type this node's version does not know
    INVALID_ENTRY = "invalid_entry"          # the entry did not parse or broke a rule of the floor
    NOT_FOUND = "not_found"                  # it names a shipment/SKU/location the floor does not have
    REJECTED = "rejected"                    # any other refusal; the reason says which


class FeedOutcome(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    feed_seq: Annotated[int, Field(ge=1)]
    type: Annotated[str, Field(min_length=1, max_length=64)]      # the command's type, as the feed named it
    status: Literal["applied", "rejected"]
    code: OutcomeCode | None = None                                # set when status is "rejected"
    reason: Annotated[str, Field(max_length=500)] | None = None
    shipment_id: Annotated[str, Field(max_length=64)] | None = None
    at: datetime


class FeedOutcomeReport(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    outcomes: Annotated[list[FeedOutcome], Field(min_length=1, max_length=MAX_OUTCOMES_PER_REPORT)]


class FeedOutcomeAck(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    recorded: int      # outcomes new to central
    duplicates: int    # outcomes central already had (a resend)
