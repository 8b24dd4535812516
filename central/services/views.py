"""Read models handlers return and the HTTP API serves as they are."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from sync.feed import FeedEntry


class LineView(BaseModel):
    sku: str
    qty: int


class OrderLineView(LineView):
    unit_price_minor: int


class ShipmentView(BaseModel):
    shipment_id: str
    warehouse_id: str
    warehouse_name: str
    status: str
    distance_km: float
    lines: list[LineView]
    floor_note: str | None = None  # the warehouse's reason when it refused to cancel this shipment


class PaymentView(BaseModel):
    payment_id: str
    status: str
    amount_minor: int
    currency: str
    redirect_url: str | None
    refund_minor: int | None = None  # what is or was due back, once a refund is due


class OrderView(BaseModel):
    order_id: str
    customer_id: str
    status: str
    pickup_point_id: str
    total_minor: int
    currency: str
    created_at: datetime
    hold_expires_at: datetime
    lines: list[OrderLineView]
    shipments: list[ShipmentView]
    payment: PaymentView | None
    cancel_refused: str | None = None  # why a cancel did not go through, in words for the customer


class StockLevelView(BaseModel):
    warehouse_id: str
    sku: str
    on_hand: int
    reserved: int
    unsellable: int  # of on_hand, the units at returns or quarantine locations
    available: int


class FeedPage(BaseModel):
    warehouse_id: str
    after: int
    last_seq: int
    entries: list[FeedEntry]


class CallbackResult(BaseModel):
    event_id: str
    payment_id: str
    result: str
    duplicate: bool
    order_id: str
    order_status: str
