"""Orphan payment intents: voided by the sweeper, once, after a grace period.

A checkout asks the acquirer for an intent before it commits the order (no transaction is open
while the acquirer answers). A checkout that fails voids its intents itself; one killed between
the two leaves an intent the acquirer holds and no committed payment uses. The sweeper walks the
acquirer's open intents in the acquirer's order, from a mark kept in sweep_marks, and voids each
such one. It only looks at intents older than the grace period (settings.intent_grace_minutes),
far longer than a checkout takes from its intent to its commit, so a checkout still on its way
is never cut off — and if one ever took longer, the acquirer refuses to take money on the voided
intent, the order stays unpaid and expires with its hold.

Voiding twice is harmless (the acquirer answers an intent's void once), so two sweepers at once,
or one that died before moving its mark, cost nothing but a repeated question.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from central.bootstrap import Central
from central.db.tables import payments, sweep_marks
from central.errors import AcquirerError
from central.payments.port import IntentMark, OpenIntent
from central.services.transitions import one_of

INTENT_BATCH = 1000
MAX_BATCHES = 20  # a sweep's share: every order makes an intent, so the walk keeps up with busy hours
MARK = "orphan_intents"

log = logging.getLogger("central.intents")


@dataclass(frozen=True)
class IntentSweep:
    checked: int  # open intents past the grace period looked at
    voided: int  # of them, the orphans voided


def void_orphans(central: Central, batch: int = INTENT_BATCH, batches: int = MAX_BATCHES) -> IntentSweep:
    """Walk on from the mark through the acquirer's open intents past the grace period, up to
    `batches` batches, voiding the orphans. An acquirer that fails stops the walk before that
    intent: it is asked again next sweep."""
    checked = voided = 0
    for _ in range(batches):
        done, complete = _one_batch(central, batch)
        checked, voided = checked + done.checked, voided + done.voided
        if not complete or done.checked < batch:
            break
    return IntentSweep(checked, voided)


def _one_batch(central: Central, batch: int) -> tuple[IntentSweep, bool]:
    """One batch; False with it if the acquirer failed part way."""
    grace = timedelta(minutes=central.settings.intent_grace_minutes)
    try:
        intents = central.acquirer.open_intents(_mark(central), grace, batch)
    except AcquirerError as exc:
        log.warning("could not list the acquirer's open payment intents, will retry: %s", exc.message)
        return IntentSweep(0, 0), False
    used = _recorded(central, [i.payment_id for i in intents])
    voided, checked = 0, []
    for intent in intents:
        if intent.payment_id not in used:
            try:
                central.acquirer.void_intent(intent.payment_id, intent.acquirer_ref)
            except AcquirerError as exc:
                log.warning("could not void orphan payment intent %s, will retry: %s", intent.payment_id, exc.message)
                break
            log.info("voided payment intent %s: no order was recorded with it", intent.payment_id)
            voided += 1
        checked.append(intent)
    if checked:
        _move_mark(central, checked[-1])
    return IntentSweep(len(checked), voided), len(checked) == len(intents)


def _recorded(central: Central, payment_ids: Sequence[str]) -> set[str]:
    if not payment_ids:
        return set()
    with central.db.read() as conn:
        return set(conn.execute(sa.select(payments.c.payment_id)
                                .where(one_of(conn, payments.c.payment_id, list(payment_ids)))).scalars())


def _mark(central: Central) -> IntentMark | None:
    with central.db.read() as conn:
        row = conn.execute(sa.select(sweep_marks.c.created_at, sweep_marks.c.payment_id)
                           .where(sweep_marks.c.name == MARK)).one_or_none()
    return None if row is None else IntentMark(*row)


def _move_mark(central: Central, checked: OpenIntent) -> None:
    """Forward only: a sweeper that got less far than another leaves the mark where it is."""
    new = checked.mark
    try:
        with central.db.write() as conn:
            if (row := conn.execute(sa.select(sweep_marks.c.created_at, sweep_marks.c.payment_id)
                                    .where(sweep_marks.c.name == MARK).with_for_update()).one_or_none()) is None:
                conn.execute(sweep_marks.insert().values(name=MARK, created_at=new.created_at,
                                                         payment_id=new.payment_id))
            elif IntentMark(*row) < new:
                conn.execute(sweep_marks.update().where(sweep_marks.c.name == MARK)
                             .values(created_at=new.created_at, payment_id=new.payment_id))
    except IntegrityError:  # another sweeper made the mark first; the next sweep moves it on
        pass
