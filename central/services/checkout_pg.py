"""Checkout's two PostgreSQL statements, run on psycopg itself.

The checkout is the hottest path and is two statements on PostgreSQL: a read, and the write as
one call of the function checkout_record (migration 0003). Through SQLAlchemy each statement
cost ~220 µs of CPU with the pool checkout, on psycopg ~80 µs. Both run in autocommit (see
Database.autocommit). Times are stored as UTCDateTime stores them. psycopg prepares each
statement on a connection after a few runs; arrays keep the text, and so the prepared
statement, the same for any number of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from central.db.engine import Database
from central.db.types import naive_utc
from central.domain.orders import ORDER, SHIPMENT
from central.domain.payments import PAYMENT
from central.services.order_store import HELD
from central.stock import available_sql

if TYPE_CHECKING:
    from central.services.checkout import Draft


def earlier_or_stock(db: Database, customer_id: str, idempotency_key: str, skus: list[str]
                     ) -> tuple[tuple[str, str] | None, list[Sequence[Any]]]:
    """(order_id, request_hash) of an earlier order with this key, else None and the SKUs'
    (sku, price, warehouse_id, available) rows, warehouse None for a SKU with nothing available.
    """
    with db.autocommit() as conn:
        rows = conn.execute(_EARLIER_OR_STOCK, {"customer_id": customer_id,
                                                "idempotency_key": idempotency_key,
                                                "skus": skus}).fetchall()
    if rows[0][0] is not None:
        return (rows[0][0], rows[0][1]), []
    return None, [row[2:] for row in rows if row[2] is not None]


def record(db: Database, d: Draft) -> bool:
    """Hold the stock and insert the order with its shipments, reservations, lines and payment.

    All or nothing, by the function checkout_record (migrations 0003, 0006, 0012); every status it
    writes is its lifecycle's initial state, passed in from the tables: False, having changed
    nothing, if any line no longer has the units.
    """
    held = sorted((p.warehouse_id, ln.sku, ln.qty, sid)
                  for sid, p in zip(d.shipment_ids, d.plan, strict=True) for ln in p.lines)
    with db.autocommit() as conn:
        row = conn.execute(_RECORD, (
            [h[0] for h in held], [h[1] for h in held], [h[2] for h in held],
            [h[3] for h in held], naive_utc(d.now), naive_utc(d.expires), d.order_id,
            d.cmd.customer_id, d.cmd.idempotency_key, d.fingerprint, d.cmd.pickup_point_id,
            ORDER.initial.value, d.total, d.currency,
            d.shipment_ids, [p.warehouse_id for p in d.plan], [p.distance_km for p in d.plan],
            SHIPMENT.initial.value, HELD,
            [ln.sku for ln in d.lines], [ln.qty for ln in d.lines],
            [d.prices[ln.sku] for ln in d.lines],
            d.payment_id, d.intent.acquirer_ref, d.intent.redirect_url, PAYMENT.initial.value,
        )).fetchone()
    return bool(row and row[0])


# One row with the earlier order, else the SKUs' rows (a single row of NULLs if none is known).
_EARLIER_OR_STOCK = f"""
SELECT o.order_id, o.request_hash, s.sku, s.price_minor, st.warehouse_id,
       {available_sql("st")}
FROM (SELECT) AS one
LEFT JOIN orders o
       ON o.customer_id = %(customer_id)s AND o.idempotency_key = %(idempotency_key)s
LEFT JOIN skus s ON o.order_id IS NULL AND s.sku = ANY(CAST(%(skus)s AS text[]))
LEFT JOIN stock st ON st.sku = s.sku AND {available_sql("st")} > 0
"""

# Arguments by name, in the order record() passes the values; the casts pick the function's
# signature whatever types psycopg chose for the values.
_RECORD = """
SELECT checkout_record(
    h_wh => CAST(%s AS text[]), h_sku => CAST(%s AS text[]), h_qty => CAST(%s AS int[]),
    h_shp => CAST(%s AS text[]), p_now => CAST(%s AS timestamp),
    p_expires => CAST(%s AS timestamp), p_order_id => %s, p_customer_id => %s,
    p_idempotency_key => %s, p_request_hash => %s, p_pickup_point_id => %s,
    p_order_status => %s, p_total => CAST(%s AS bigint), p_currency => %s,
    s_id => CAST(%s AS text[]), s_wh => CAST(%s AS text[]), s_km => CAST(%s AS float8[]),
    p_shipment_status => %s, p_held => %s,
    o_sku => CAST(%s AS text[]), o_qty => CAST(%s AS int[]), o_price => CAST(%s AS bigint[]),
    p_payment_id => %s, p_acquirer_ref => %s, p_redirect_url => %s, p_payment_status => %s)
"""
