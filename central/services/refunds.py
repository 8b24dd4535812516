"""Refunds: every payment left REFUND_DUE (a cancel the floor applied, a payment too late) is
refunded with the acquirer by the sweeper, once, and marked REFUNDED with its reference.

The acquirer is called outside any database transaction (no row stays locked while the bank
answers), with the payment id as idempotency key: if central dies after the acquirer refunded
but before REFUNDED is committed, the payment is still due, the next sweep asks again with the
same key, gets the first refund's reference back, and no money moves twice. Two sweepers at
once (another worker, `sklad-central sweep`) are harmless for the same reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from central.bootstrap import Central
from central.crash_points import crash_point
from central.db.tables import payments
from central.domain.payments import PAYMENT, PaymentEvent, PaymentStatus
from central.errors import AcquirerError
from central.services.transitions import lock_order, lock_payment, write_payment

REFUND_BATCH = 200
AFTER_ACQUIRER_REFUND = "after_acquirer_refund"

log = logging.getLogger("central.refunds")


def refund_due(central: Central, limit: int = REFUND_BATCH) -> int:
    """Refund up to `limit` due payments, oldest first; returns how many were refunded.

    A payment the acquirer refuses or cannot take stays REFUND_DUE for the next sweep.
    """
    with central.db.read() as conn:
        due = conn.execute(
            sa.select(payments.c.payment_id).where(payments.c.status == PaymentStatus.REFUND_DUE.value)
            .order_by(payments.c.updated_at, payments.c.payment_id).limit(limit)
        ).scalars().all()
    return refund_each(central, due, _refund_one, "payment")


def refund_each(central: Central, ids: Sequence[str], refund_one: Callable[[Central, str], bool], what: str) -> int:
    """Refund each of `ids` with `refund_one`; one the acquirer refuses or cannot take is logged and
    stays due for the next sweep, and the rest go on. Returns how many were refunded."""
    refunded = 0
    for thing_id in ids:
        try:
            refunded += refund_one(central, thing_id)
        except AcquirerError as exc:
            log.warning("refund of %s %s failed, will retry: %s", what, thing_id, exc.message)
    return refunded


def _refund_one(central: Central, payment_id: str) -> bool:
    with central.db.read() as conn:
        pay = conn.execute(sa.select(payments).where(payments.c.payment_id == payment_id)).mappings().one()
    if pay["status"] != PaymentStatus.REFUND_DUE.value:
        return False
    if pay["acquirer_ref"] is None:  # checkout always stores one; without it nothing to refund
        raise AcquirerError(f"payment {payment_id} has no acquirer reference to refund")
    refund_ref = central.acquirer.refund(payment_id, pay["acquirer_ref"], pay["refund_minor"] or pay["amount_minor"],
                                         pay["currency"], idempotency_key=payment_id)
    crash_point(AFTER_ACQUIRER_REFUND)
    now = central.clock()
    with central.db.write() as conn:
        lock_order(conn, pay["order_id"])
        current = PaymentStatus(lock_payment(conn, payment_id)["status"])
        step = PAYMENT.step(payment_id, current, PaymentEvent.REFUNDED)
        return write_payment(conn, payment_id, current, step, now,
                             **({"refund_ref": refund_ref, "refunded_at": now} if step.to != current else {}))
