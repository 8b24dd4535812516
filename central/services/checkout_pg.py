"""Checkout's two PostgreSQL statements, run on psycopg itself.

The checkout is the hottest path and is two statements on PostgreSQL; through SQLAlchemy each cost
~220 µs of CPU with the pool checkout, on psycopg ~80 µs. Both run in autocommit (see
Database.autocommit). The tables are those of central.db.tables; times are stored as UTCDateTime
stores them. psycopg prepares each statement on a connection after a few runs; arrays keep the
text, and so the prepared statement, the same for any number of lines.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from central.db.engine import Database
from central.db.types import naive_utc
from central.domain.orders import OrderStatus, ShipmentStatus
from central.services.order_store import HELD

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

    All or nothing: False (having changed nothing) if any line no longer has the units.
    """
    held = sorted((p.warehouse_id, ln.sku, ln.qty, sid)
                  for sid, p in zip(d.shipment_ids, d.plan, strict=True) for ln in p.lines)
    now = naive_utc(d.now)
    with db.autocommit() as conn:
        reserved = conn.execute(_RECORD, {
            "h_wh": [h[0] for h in held], "h_sku": [h[1] for h in held],
            "h_qty": [h[2] for h in held], "h_shp": [h[3] for h in held],
            "now": now, "expires": naive_utc(d.expires), "order_id": d.order_id,
            "customer_id": d.cmd.customer_id, "idempotency_key": d.cmd.idempotency_key,
            "request_hash": d.fingerprint, "pickup_point_id": d.cmd.pickup_point_id,
            "order_status": OrderStatus.PENDING_PAYMENT.value, "total": d.total,
            "currency": d.currency,
            "s_id": d.shipment_ids, "s_wh": [p.warehouse_id for p in d.plan],
            "s_km": [p.distance_km for p in d.plan],
            "shipment_status": ShipmentStatus.AWAITING_PAYMENT.value, "held": HELD,
            "o_sku": [ln.sku for ln in d.lines], "o_qty": [ln.qty for ln in d.lines],
            "o_price": [d.prices[ln.sku] for ln in d.lines],
            "payment_id": d.payment_id, "acquirer_ref": d.intent.acquirer_ref,
            "redirect_url": d.intent.redirect_url,
        }).fetchone()
    return reserved is not None and reserved[0] == len(held)


# One row with the earlier order, else the SKUs' rows (a single row of NULLs if none is known).
_EARLIER_OR_STOCK = """
SELECT o.order_id, o.request_hash, s.sku, s.price_minor, st.warehouse_id,
       st.on_hand - st.reserved
FROM (SELECT) AS one
LEFT JOIN orders o
       ON o.customer_id = %(customer_id)s AND o.idempotency_key = %(idempotency_key)s
LEFT JOIN skus s ON o.order_id IS NULL AND s.sku = ANY(CAST(%(skus)s AS text[]))
LEFT JOIN stock st ON st.sku = s.sku AND st.on_hand > st.reserved
"""

# One statement, so one transaction of its own. The stock rows are locked in (warehouse, SKU)
# order, as the SQLite path's sorted updates lock them, so two baskets never deadlock; FOR UPDATE
# hands back the newest version of each row, and with every row locked, `ok` decides for all
# lines at once: either every line is reserved and every row inserted, or nothing changes and
# the count is 0. `held` must not test availability itself: it would judge the row as of the
# statement's snapshot, which can be older than the version locked (and already judged) in
# `locked`. A concurrent order with the same idempotency key makes the orders insert fail.
_RECORD = """
WITH want AS (
    SELECT * FROM unnest(CAST(%(h_wh)s AS text[]), CAST(%(h_sku)s AS text[]),
                         CAST(%(h_qty)s AS int[]), CAST(%(h_shp)s AS text[]))
                  AS t(warehouse_id, sku, qty, shipment_id)
), locked AS MATERIALIZED (
    SELECT stock.warehouse_id, stock.sku, stock.on_hand - stock.reserved AS available
    FROM stock JOIN want USING (warehouse_id, sku)
    ORDER BY stock.warehouse_id, stock.sku FOR UPDATE OF stock
), ok AS MATERIALIZED (
    SELECT count(*) = (SELECT count(*) FROM want) AND coalesce(bool_and(available >= qty), false)
           AS yes
    FROM locked JOIN want USING (warehouse_id, sku)
), held AS (
    UPDATE stock SET reserved = stock.reserved + want.qty, updated_at = %(now)s
    FROM want, ok
    WHERE ok.yes AND stock.warehouse_id = want.warehouse_id AND stock.sku = want.sku
    RETURNING stock.warehouse_id, stock.sku
), new_order AS (
    INSERT INTO orders (order_id, customer_id, idempotency_key, request_hash, pickup_point_id,
                        status, total_minor, currency, created_at, hold_expires_at, updated_at)
    SELECT %(order_id)s, %(customer_id)s, %(idempotency_key)s, %(request_hash)s,
           %(pickup_point_id)s, %(order_status)s, %(total)s, %(currency)s, %(now)s,
           %(expires)s, %(now)s
    FROM ok WHERE ok.yes
), new_shipments AS (
    INSERT INTO shipments (shipment_id, order_id, warehouse_id, status, distance_km, updated_at)
    SELECT t.shipment_id, %(order_id)s, t.warehouse_id, %(shipment_status)s, t.distance_km,
           %(now)s
    FROM unnest(CAST(%(s_id)s AS text[]), CAST(%(s_wh)s AS text[]),
                CAST(%(s_km)s AS float8[])) AS t(shipment_id, warehouse_id, distance_km), ok
    WHERE ok.yes
), new_shipment_lines AS (
    INSERT INTO shipment_lines (shipment_id, sku, qty)
    SELECT want.shipment_id, want.sku, want.qty FROM want, ok WHERE ok.yes
), new_reservations AS (
    INSERT INTO reservations (order_id, warehouse_id, sku, shipment_id, qty, status, expires_at)
    SELECT %(order_id)s, want.warehouse_id, want.sku, want.shipment_id, want.qty, %(held)s,
           %(expires)s
    FROM want, ok WHERE ok.yes
), new_lines AS (
    INSERT INTO order_lines (order_id, sku, qty, unit_price_minor)
    SELECT %(order_id)s, t.sku, t.qty, t.price
    FROM unnest(CAST(%(o_sku)s AS text[]), CAST(%(o_qty)s AS int[]),
                CAST(%(o_price)s AS bigint[])) AS t(sku, qty, price), ok
    WHERE ok.yes
), new_payment AS (
    INSERT INTO payments (payment_id, order_id, amount_minor, currency, status, acquirer_ref,
                          redirect_url, updated_at)
    SELECT %(payment_id)s, %(order_id)s, %(total)s, %(currency)s, 'PENDING', %(acquirer_ref)s,
           %(redirect_url)s, %(now)s
    FROM ok WHERE ok.yes
)
SELECT count(*) FROM held
"""
