"""No orphan payment intents: every intent a checkout made and no order uses is voided."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from central import stock
from central.bootstrap import Central
from central.db.tables import payments
from central.domain.orders import Line
from central.errors import OutOfStock
from central.payments.sandbox import SandboxAcquirer
from central.services import checkout
from central.services.checkout import PlaceOrder, place_order


class RecordingSandbox(SandboxAcquirer):
    """The sandbox, noting which intents it made and which it voided."""

    def __init__(self, real: SandboxAcquirer) -> None:
        super().__init__("acq" * 8, "http://testserver", real.books)
        self.created: list[str] = []
        self.voided: list[str] = []

    def create_intent(self, payment_id: str, amount_minor: int, currency: str):  # type: ignore[no-untyped-def]
        self.created.append(payment_id)
        return super().create_intent(payment_id, amount_minor, currency)

    def void_intent(self, payment_id: str, acquirer_ref: str) -> None:
        self.voided.append(payment_id)
        super().void_intent(payment_id, acquirer_ref)


@pytest.fixture
def sandbox(network: Central) -> RecordingSandbox:
    assert isinstance(network.acquirer, SandboxAcquirer)
    network.acquirer = RecordingSandbox(network.acquirer)
    return network.acquirer


def recorded_payments(central: Central) -> set[str]:
    with central.db.read() as conn:
        return set(conn.execute(sa.select(payments.c.payment_id)).scalars())


def test_a_checkout_that_loses_its_stock_voids_its_intent(network: Central, sandbox: RecordingSandbox,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    routed = checkout._draft

    def draft_then_sell_out(*args, **kwargs):  # type: ignore[no-untyped-def]
        draft = routed(*args, **kwargs)
        with network.db.write() as conn:  # another buyer takes every D left, after routing
            assert stock.reserve(conn, "wh-kzn", "D", 4, now=network.clock())
        return draft

    monkeypatch.setattr(checkout, "_draft", draft_then_sell_out)
    with pytest.raises(OutOfStock):
        place_order(network, PlaceOrder("bob", "k1", "pp-kzn", (Line("D", 2),)))
    assert sandbox.created and sorted(sandbox.voided) == sorted(set(sandbox.created))
    assert recorded_payments(network) == set()
    assert all(sandbox.books.recall(f"void:{p}") for p in sandbox.created)


def test_the_loser_of_an_idempotency_race_voids_its_intent(network: Central, sandbox: RecordingSandbox) -> None:
    cmd = PlaceOrder("alice", "double-click", "pp-msk", (Line("A", 1),))
    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = {p.order.payment.payment_id for p in pool.map(lambda _: place_order(network, cmd), range(4))}
    assert ids == recorded_payments(network) and len(ids) == 1
    assert set(sandbox.created) - set(sandbox.voided) == ids
    assert not ids & set(sandbox.voided)


def test_a_placed_order_keeps_its_intent(network: Central, sandbox: RecordingSandbox) -> None:
    order = place_order(network, PlaceOrder("alice", "k1", "pp-msk", (Line("A", 1),))).order
    assert sandbox.created == [order.payment.payment_id] and sandbox.voided == []
