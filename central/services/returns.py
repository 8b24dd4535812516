"""Customer returns: head office asks (`POST /admin/orders/{id}/returns`), the return notice goes
into the shipment's warehouse feed in the same transaction, the floor's `return` movements count
what arrived, and once every line is in, the sweeper refunds the returned lines — once: the
acquirer is called outside any transaction with `return:<id>` as idempotency key, so a crash
after the acquirer refunded is recovered by the next sweep without moving money twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Connection

from central import feeds
from central.bootstrap import Central
from central.db.tables import customer_return_lines as lines_t
from central.db.tables import customer_returns as returns_t
from central.db.tables import order_lines, payments, shipment_lines, shipments
from central.domain.orders import ShipmentStatus
from central.domain.payments import PAYMENT, PaymentEvent, PaymentStatus
from central.domain.returns import RETURN, ReturnEvent, ReturnStatus, split_return
from central.errors import InvalidRequest, NotFound
from central.services.refunds import refund_each
from central.services.transitions import lock_order, lock_payment, locked, write_payment, write_step
from sync.feed import ReturnLine, ReturnNotice, return_id_of
from sync.movements import Movement

log = logging.getLogger("central.returns")
REFUND_BATCH = 200


@dataclass(frozen=True)
class WantedLine:
    sku: str
    qty: int
    reason: str


class ReturnLineView(BaseModel):
    sku: str
    qty: int
    reason: str
    received: int


class ReturnView(BaseModel):
    return_id: str
    order_id: str
    shipment_id: str
    warehouse_id: str
    status: str
    amount_minor: int
    feed_seq: int
    lines: list[ReturnLineView]


def _shipped(conn: Connection, order_id: str) -> tuple[dict[str, list[tuple[str, int]]], dict[str, str]]:
    rows = conn.execute(
        sa.select(shipments.c.shipment_id, shipments.c.warehouse_id, shipment_lines.c.sku, shipment_lines.c.qty)
        .join(shipment_lines, shipment_lines.c.shipment_id == shipments.c.shipment_id)
        .where(shipments.c.order_id == order_id, shipments.c.status == ShipmentStatus.SHIPPED.value)
        .order_by(shipments.c.shipment_id)).all()
    shipped: dict[str, list[tuple[str, int]]] = {}
    for shipment_id, _, sku, qty in rows:
        shipped.setdefault(sku, []).append((shipment_id, qty))
    return shipped, {r.shipment_id: r.warehouse_id for r in rows}


def _returned(conn: Connection, order_id: str) -> dict[str, int]:
    rows = conn.execute(sa.select(lines_t.c.sku, sa.func.sum(lines_t.c.qty))
                        .join(returns_t, returns_t.c.return_id == lines_t.c.return_id)
                        .where(returns_t.c.order_id == order_id).group_by(lines_t.c.sku))
    return {sku: int(total) for sku, total in rows}


def request_return(central: Central, order_id: str, return_id: str, wanted: Sequence[WantedLine]) -> list[ReturnView]:
    """One return per shipment the lines came in (ids `return_id`, `return_id`-2, ...). The same
    `return_id` again answers the first request."""
    skus = [line.sku for line in wanted]
    if len(set(skus)) != len(skus):
        raise InvalidRequest(f"the return lists a SKU twice: {sorted(skus)}")
    now = central.clock()
    with central.db.write() as conn:
        if lock_order(conn, order_id) is None:
            raise NotFound(f"no order {order_id}", order_id=order_id)
        if _returns_of(conn, order_id, return_id):
            return list_returns_in(conn, order_id, return_id)
        shipped, warehouse_of = _shipped(conn, order_id)
        plan = split_return(order_id, {w.sku: w.qty for w in wanted}, shipped, _returned(conn, order_id))
        prices = dict(conn.execute(sa.select(order_lines.c.sku, order_lines.c.unit_price_minor)
                                   .where(order_lines.c.order_id == order_id)).all())
        reasons = {w.sku: w.reason for w in wanted}
        for n, (shipment_id, units) in enumerate(sorted(plan.items()), start=1):
            rid = return_id if n == 1 else f"{return_id}-{n}"
            notice = ReturnNotice(return_id=rid, order_id=order_id, shipment_id=shipment_id,
                                  warehouse_id=warehouse_of[shipment_id],
                                  lines=[ReturnLine(sku=s, qty=q, reason=reasons[s]) for s, q in sorted(units.items())])
            (seq,) = feeds.append(conn, notice.warehouse_id, [notice], now=now)
            conn.execute(returns_t.insert().values(
                return_id=rid, order_id=order_id, shipment_id=shipment_id, warehouse_id=notice.warehouse_id,
                status=RETURN.initial.value, amount_minor=0, feed_seq=seq, created_at=now, updated_at=now))
            conn.execute(lines_t.insert(), [{"return_id": rid, "sku": s, "qty": q, "reason": reasons[s],
                                             "received": 0, "unit_price_minor": prices[s]}
                                            for s, q in sorted(units.items())])
        return list_returns_in(conn, order_id, return_id)


def _returns_of(conn: Connection, order_id: str, return_id: str | None = None) -> list[sa.RowMapping]:
    query = sa.select(returns_t).where(returns_t.c.order_id == order_id)
    if return_id is not None:
        query = query.where(sa.or_(returns_t.c.return_id == return_id,
                                   returns_t.c.return_id.like(f"{return_id}-%")))
    return conn.execute(query.order_by(returns_t.c.created_at, returns_t.c.return_id)).mappings().all()


def list_returns_in(conn: Connection, order_id: str, return_id: str | None = None) -> list[ReturnView]:
    views = []
    for r in _returns_of(conn, order_id, return_id):
        rows = conn.execute(sa.select(lines_t).where(lines_t.c.return_id == r["return_id"])
                            .order_by(lines_t.c.sku)).mappings()
        views.append(ReturnView(**{k: r[k] for k in ("return_id", "order_id", "shipment_id", "warehouse_id",
                                                     "status", "amount_minor", "feed_seq")},
                                lines=[ReturnLineView(**{k: ln[k] for k in ("sku", "qty", "reason", "received")})
                                       for ln in rows]))
    return views


def list_returns(central: Central, order_id: str) -> list[ReturnView]:
    with central.db.read() as conn:
        return list_returns_in(conn, order_id)


def count_received(conn: Connection, warehouse_id: str, movements: Sequence[Movement], now: datetime) -> None:
    """The floor's `return` movements in an upload: count them against their return's lines, and a
    return whose every line is in becomes due for its refund (inside the upload's transaction)."""
    touched = set()
    for m in movements:
        return_id = return_id_of(m.reason) if m.kind == "return" else None
        if return_id is None:
            continue
        owner = conn.execute(locked(conn, sa.select(returns_t.c.warehouse_id)
                                    .where(returns_t.c.return_id == return_id))).scalar_one_or_none()
        if owner != warehouse_id:
            log.warning("return movement %s names return %s, not one of %s's", m.id, return_id, warehouse_id)
            continue
        conn.execute(lines_t.update().where(lines_t.c.return_id == return_id, lines_t.c.sku == m.sku)
                     .values(received=sa.func.least(lines_t.c.qty, lines_t.c.received + m.qty)
                             if conn.dialect.name == "postgresql"
                             else sa.func.min(lines_t.c.qty, lines_t.c.received + m.qty)))
        touched.add(return_id)
    for return_id in sorted(touched):
        _settle_receipt(conn, return_id, now)


def _settle_receipt(conn: Connection, return_id: str, now: datetime) -> None:
    rows = conn.execute(sa.select(lines_t.c.qty, lines_t.c.received, lines_t.c.unit_price_minor)
                        .where(lines_t.c.return_id == return_id)).all()
    if any(received < qty for qty, received, _ in rows):
        return
    current = ReturnStatus(conn.execute(sa.select(returns_t.c.status)
                                        .where(returns_t.c.return_id == return_id)).scalar_one())
    step = RETURN.step(return_id, current, ReturnEvent.RECEIVED)
    write_step(conn, returns_t, returns_t.c.return_id, return_id, current, step, now,
               **({"amount_minor": sum(r * p for _, r, p in rows)} if step.to != current else {}))


def refund_returns(central: Central, limit: int = REFUND_BATCH) -> int:
    """Refund up to `limit` received returns, oldest first; returns how many were refunded. One the
    acquirer refuses stays due for the next sweep."""
    with central.db.read() as conn:
        due = conn.execute(sa.select(returns_t.c.return_id).where(returns_t.c.status == ReturnStatus.REFUND_DUE.value)
                           .order_by(returns_t.c.updated_at, returns_t.c.return_id).limit(limit)).scalars().all()
    return refund_each(central, due, _refund_one, "return")


def _refund_one(central: Central, return_id: str) -> bool:
    with central.db.read() as conn:
        ret = conn.execute(sa.select(returns_t).where(returns_t.c.return_id == return_id)).mappings().one()
        pay = conn.execute(sa.select(payments).where(payments.c.order_id == ret["order_id"])).mappings().one()
    if ret["status"] != ReturnStatus.REFUND_DUE.value or ret["amount_minor"] <= 0:
        return False
    ref = central.acquirer.refund(pay["payment_id"], pay["acquirer_ref"], ret["amount_minor"], pay["currency"],
                                  idempotency_key=f"return:{return_id}")
    now = central.clock()
    with central.db.write() as conn:
        lock_order(conn, ret["order_id"])
        current = ReturnStatus(conn.execute(locked(conn, sa.select(returns_t.c.status)
                                                   .where(returns_t.c.return_id == return_id))).scalar_one())
        step = RETURN.step(return_id, current, ReturnEvent.REFUNDED)
        if not write_step(conn, returns_t, returns_t.c.return_id, return_id, current, step, now, refund_ref=ref):
            return False  # another sweeper recorded it first
        _record_on_payment(conn, pay["payment_id"], ret["order_id"], now)
    return True


def _record_on_payment(conn: Connection, payment_id: str, order_id: str, now: datetime) -> None:
    """The payment's own table says how much went back for returns: part, or (adding up) all of it."""
    pay = lock_payment(conn, payment_id)
    current = PaymentStatus(pay["status"])
    back = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(returns_t.c.amount_minor), 0))
                        .where(returns_t.c.order_id == order_id,
                               returns_t.c.status == ReturnStatus.REFUNDED.value)).scalar_one()
    whole = back >= pay["amount_minor"] and current is not PaymentStatus.REFUND_DUE  # a cancel's refund is its own
    events = [PaymentEvent.RETURN_REFUNDED] + ([PaymentEvent.REFUNDED] if whole else [])
    step = PAYMENT.fold(payment_id, current, events)
    extra = {} if current is PaymentStatus.REFUND_DUE else {"refund_minor": int(back)}
    write_payment(conn, payment_id, current, step, now, **extra)
