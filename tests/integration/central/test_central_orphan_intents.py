"""Orphan payment intents: one the acquirer holds and no committed payment uses is voided by the
sweeper once its grace period has passed, and only once; one an order uses is left alone."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from support_central import levels, order_body, three_ds
from support_serve import SECRET, central_cli, serve_env, serve_process

from central.bootstrap import Central
from central.crash_points import ENV
from central.db.tables import orders, payments, sandbox_operations
from central.domain.orders import Line
from central.errors import AcquirerError
from central.payments.books import DatabaseBooks
from central.payments.sandbox import SandboxAcquirer
from central.services.checkout import AFTER_PAYMENT_INTENT, PlaceOrder, place_order
from central.services.orphan_intents import void_orphans
from central.services.sweep import sweep_once
from central.tokens import issue_customer_token

GRACE = 10  # minutes, the default


@pytest.fixture
def sandbox(network: Central, clock) -> Iterator[SandboxAcquirer]:  # type: ignore[no-untyped-def]
    """The sandbox on the test's clock, so the grace period can pass."""
    network.acquirer = SandboxAcquirer("acq" * 8, "http://testserver", DatabaseBooks(network.db, clock))
    yield network.acquirer


def voids(central: Central) -> list[str]:
    with central.db.read() as conn:
        return sorted(conn.execute(sa.select(sandbox_operations.c.payment_id)
                                   .where(sandbox_operations.c.kind == "void")).scalars())


def an_order(central: Central, key: str) -> str:
    return place_order(central, PlaceOrder("alice", key, "pp-msk", (Line("A", 1),))).order.payment.payment_id


def test_an_orphan_is_voided_once_after_the_grace_period(network: Central, sandbox: SandboxAcquirer,
                                                         clock) -> None:  # type: ignore[no-untyped-def]
    used = an_order(network, "k1")
    sandbox.create_intent("pay-orphan", 100_00, "RUB")  # a checkout that died before its commit
    assert sweep_once(network).voided == 0
    clock.advance(GRACE - 1)
    assert void_orphans(network).checked == 0  # not old enough: a checkout may still commit it
    clock.advance(1)
    done = sweep_once(network)
    assert (done.voided, done.intents_checked) == (1, 2)
    assert voids(network) == ["pay-orphan"]
    assert (sweep_once(network).voided, sweep_once(network).intents_checked) == (0, 0)
    clock.advance(GRACE)
    assert void_orphans(network).checked == 0 and voids(network) == ["pay-orphan"]
    later = an_order(network, "k2")
    sandbox.create_intent("pay-orphan-2", 100_00, "RUB")
    clock.advance(GRACE)
    assert void_orphans(network).voided == 1
    assert voids(network) == ["pay-orphan", "pay-orphan-2"]
    assert not {used, later} & set(voids(network))
    assert [i.payment_id for i in sandbox.open_intents(None, timedelta(0), 10)] == [used, later]


def test_the_walk_goes_in_batches_and_stops_where_the_acquirer_failed(
        network: Central, sandbox: SandboxAcquirer, clock, monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
        caplog: pytest.LogCaptureFixture) -> None:
    for n in range(5):
        sandbox.create_intent(f"pay-{n}", 100, "RUB")
        clock.advance(0.01)
    clock.advance(GRACE)
    real_void = sandbox.void_intent

    def void_unless_pay_3(payment_id: str, acquirer_ref: str) -> None:
        if payment_id == "pay-3":
            raise AcquirerError("sandbox is down")
        real_void(payment_id, acquirer_ref)

    monkeypatch.setattr(sandbox, "void_intent", void_unless_pay_3)
    done = void_orphans(network, batch=2)
    assert (done.checked, done.voided) == (3, 3)
    assert "could not void orphan payment intent pay-3" in caplog.text
    monkeypatch.undo()
    assert void_orphans(network, batch=2).voided == 2
    assert voids(network) == [f"pay-{n}" for n in range(5)]


def test_a_voided_intent_is_not_paid_if_its_order_committed_after_all(
        client: TestClient, network: Central, sandbox: SandboxAcquirer,
        customer_headers, admin_headers: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    """A checkout slower than the grace period: the sweeper voided its intent before the order
    committed. The acquirer takes no money on it; the order stays unpaid and expires."""
    placed = client.post("/orders", json=order_body("k1", "pp-msk", A=1), headers=customer_headers("alice")).json()
    sandbox.void_intent(placed["payment"]["payment_id"], f"sbx-{placed['payment']['payment_id']}-100-RUB")
    resp = three_ds(client, placed)
    assert resp.status_code == 502
    assert "cannot be paid" in resp.json()["error"]["message"]
    order = client.get(f"/orders/{placed['order_id']}", headers=admin_headers).json()
    assert (order["status"], order["payment"]["status"]) == ("PENDING_PAYMENT", "PENDING")


def test_a_checkout_killed_after_its_intent_leaves_an_orphan_the_sweep_voids_once(
        network: Central, db_url: str, tmp_path: Path) -> None:
    """`sklad-central serve` SIGKILLed between the acquirer's intent and the checkout's commit:
    no order, the stock untouched, the intent still open at the acquirer; `sklad-central sweep`
    leaves it alone during the grace period, then voids it, once."""
    crash = serve_env(**{ENV: AFTER_PAYMENT_INTENT})
    token = issue_customer_token(SECRET, "alice", datetime.now(UTC) + timedelta(days=1))
    stock_before = levels(network, "A")
    with serve_process(db_url, tmp_path / "serve.log", workers=1, env=crash) as (base, proc):
        with pytest.raises(httpx.TransportError):
            httpx.post(f"{base}/orders", json=order_body("k1", "pp-msk", A=1),
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    assert levels(network, "A") == stock_before
    with network.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(orders)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(payments)).scalar_one() == 0
    [orphan] = network.acquirer.open_intents(None, timedelta(0), 10)
    sweep = [central_cli(), "sweep", "--db", db_url]
    calm = {k: v for k, v in serve_env().items() if k != ENV}
    assert "voided 0 orphan payment intents" in _run(sweep, calm)
    assert voids(network) == []
    past_grace = dict(calm, SKLAD_CENTRAL_INTENT_GRACE_MINUTES="0.001")
    assert "voided 1 orphan payment intents" in _run(sweep, past_grace)
    assert "voided 0 orphan payment intents" in _run(sweep, past_grace)
    assert voids(network) == [orphan.payment_id]
    assert network.acquirer.open_intents(None, timedelta(0), 10) == []


def _run(cmd: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout
