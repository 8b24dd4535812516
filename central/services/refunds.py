"""Refunds: every payment left REFUND_DUE (a paid order cancelled, a payment too late) is
refunded with the acquirer by the sweeper, once, and marked REFUNDED with its reference."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from central.bootstrap import Central
from central.db.tables import payments
from central.errors import AcquirerError

REFUND_BATCH = 200

log = logging.getLogger("central.refunds")


def refund_due(central: Central, limit: int = REFUND_BATCH) -> int:
    """Refund up to `limit` due payments, oldest first; returns how many were refunded.

    A payment the acquirer refuses or cannot take stays REFUND_DUE for the next sweep.
    """
    with central.db.read() as conn:
        due = conn.execute(
            sa.select(payments.c.payment_id).where(payments.c.status == "REFUND_DUE")
            .order_by(payments.c.updated_at, payments.c.payment_id).limit(limit)
        ).scalars().all()
    refunded = 0
    for payment_id in due:
        try:
            refunded += _refund_one(central, payment_id)
        except AcquirerError as exc:
            log.warning("refund of payment %s failed, will retry: %s", payment_id, exc.message)
    return refunded


def _refund_one(central: Central, payment_id: str) -> bool:
    """Claim, refund and mark one payment in a single transaction.

    The claim (a no-op update of a row still REFUND_DUE) locks the row until commit, so a
    second sweeper (another worker, or `sklad-central sweep`) waits and then finds it done
    instead of asking the acquirer for a second refund. An acquirer error rolls it all back.
    """
    now = central.clock()
    still_due = (payments.c.payment_id == payment_id) & (payments.c.status == "REFUND_DUE")
    with central.db.write() as conn:
        claimed = conn.execute(payments.update().where(still_due)
                               .values(status="REFUND_DUE")).rowcount
        if not claimed:
            return False
        pay = conn.execute(sa.select(payments.c.acquirer_ref, payments.c.amount_minor,
                                     payments.c.currency)
                           .where(payments.c.payment_id == payment_id)).one()
        if pay.acquirer_ref is None:  # checkout always stores one; without it nothing to refund
            raise AcquirerError(f"payment {payment_id} has no acquirer reference to refund")
        refund_ref = central.acquirer.refund(payment_id, pay.acquirer_ref, pay.amount_minor,
                                             pay.currency)
        conn.execute(payments.update().where(payments.c.payment_id == payment_id)
                     .values(status="REFUNDED", refund_ref=refund_ref, refunded_at=now,
                             updated_at=now))
    return True
