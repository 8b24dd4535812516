"""Refunds: the sweeper refunds a cancelled paid order once, and retries when the acquirer fails."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from conftest import ADMIN_TOKEN
from fastapi.testclient import TestClient
from support_central import order_body, three_ds
from support_serve import central_cli
from support_sync import answer_cancel, set_tokens

from central.bootstrap import Central
from central.cli import main
from central.crash_points import ENV
from central.db.tables import payments
from central.errors import AcquirerError
from central.payments.sandbox import SandboxAcquirer
from central.services.orders import expire_due
from central.services.refunds import AFTER_ACQUIRER_REFUND, refund_due
from central.services.sweep import SweepResult, sweep_once

Headers = Callable[[str], dict[str, str]]


@pytest.fixture
def alice(network: Central, customer_headers: Headers) -> dict[str, str]:
    return customer_headers("alice")


@pytest.fixture
def sandbox(central: Central) -> SandboxAcquirer:
    assert isinstance(central.acquirer, SandboxAcquirer)
    return central.acquirer


def cancelled_order(client: TestClient, alice: dict[str, str], paid: bool = True) -> dict:
    """An order of 2 x A cancelled by alice; when paid, its warehouse applied the cancel."""
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    set_tokens(client, admin)
    placed = client.post("/orders", json=order_body("k1", "pp-msk", A=2), headers=alice).json()
    if paid:
        resp = client.post(f"/sandbox/3ds/{placed['payment']['payment_id']}", headers=alice,
                           json={"outcome": "approve"})
        assert resp.json()["result"] == "paid"
    resp = client.post(f"/orders/{placed['order_id']}/cancel", headers=alice)
    assert resp.status_code == 200, resp.text
    if paid:
        assert answer_cancel(client, admin, resp.json()).status_code == 200
    return client.get(f"/orders/{placed['order_id']}", headers=alice).json()


def refund_row(central: Central, payment_id: str) -> sa.Row:
    with central.db.read() as conn:
        return conn.execute(sa.select(payments.c.status, payments.c.refund_ref,
                                      payments.c.refunded_at)
                            .where(payments.c.payment_id == payment_id)).one()


def test_cancelled_paid_order_is_refunded_once(client: TestClient, central: Central, clock,
                                               sandbox: SandboxAcquirer,
                                               alice: dict[str, str]) -> None:
    order = cancelled_order(client, alice)
    payment_id = order["payment"]["payment_id"]
    assert order["payment"]["status"] == "REFUND_DUE"
    assert sweep_once(central) == SweepResult(expired=0, refunded=1)
    assert sweep_once(central) == SweepResult(expired=0, refunded=0)
    assert sandbox.books.recall(f"refund:{payment_id}").result == f"sbx-refund-{payment_id}"
    assert sandbox.books.refunded(payment_id) == order["total_minor"]
    assert refund_row(central, payment_id) == ("REFUNDED", f"sbx-refund-{payment_id}", clock())
    seen = client.get(f"/orders/{order['order_id']}", headers=alice).json()
    assert (seen["status"], seen["payment"]["status"]) == ("CANCELLED", "REFUNDED")


def test_acquirer_failure_leaves_the_refund_due_until_the_next_sweep(
        client: TestClient, central: Central, sandbox: SandboxAcquirer, alice: dict[str, str],
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    payment_id = cancelled_order(client, alice)["payment"]["payment_id"]

    def unreachable(*_: object, **__: object) -> str:
        raise AcquirerError("sandbox is down")

    monkeypatch.setattr(sandbox, "refund", unreachable)
    assert refund_due(central) == 0
    assert refund_row(central, payment_id) == ("REFUND_DUE", None, None)
    assert f"refund of payment {payment_id} failed" in caplog.text
    monkeypatch.undo()
    assert refund_due(central) == 1
    assert refund_row(central, payment_id).status == "REFUNDED"


def test_unpaid_cancelled_order_gets_no_refund(client: TestClient, central: Central,
                                               sandbox: SandboxAcquirer,
                                               alice: dict[str, str]) -> None:
    order = cancelled_order(client, alice, paid=False)
    assert order["payment"]["status"] == "PENDING"
    assert refund_due(central) == 0
    assert sandbox.books.refunded(order["payment"]["payment_id"]) == 0



def test_sklad_central_sweep_refunds_in_a_fresh_process_state(
        client: TestClient, central: Central, db_url: str, alice: dict[str, str],
        capsys: pytest.CaptureFixture[str]) -> None:
    """The CLI builds its own sandbox, which never saw the intent: the reference suffices."""
    payment_id = cancelled_order(client, alice)["payment"]["payment_id"]
    assert main(["sweep", "--db", db_url]) == 0
    assert "refunded 1 payments" in capsys.readouterr().out
    assert refund_row(central, payment_id).status == "REFUNDED"


def test_a_crash_between_the_acquirers_refund_and_the_commit_refunds_once(
        client: TestClient, central: Central, db_url: str, sandbox: SandboxAcquirer,
        alice: dict[str, str]) -> None:
    """`sklad-central sweep` killed (SIGKILL) right after the acquirer refunded: the payment is
    still due, and the next sweep asks again with the same key and gets the same refund."""
    order = cancelled_order(client, alice)
    payment_id = order["payment"]["payment_id"]
    sweep = [central_cli(), "sweep", "--db", db_url]
    crash = dict(os.environ, **{ENV: AFTER_ACQUIRER_REFUND})
    died = subprocess.run(sweep, env=crash, capture_output=True, text=True, timeout=120)
    assert died.returncode == -signal.SIGKILL, died.stderr
    assert refund_row(central, payment_id) == ("REFUND_DUE", None, None)
    assert sandbox.books.refunded(payment_id) == order["total_minor"]  # the money did go back
    again = subprocess.run(sweep, env={k: v for k, v in os.environ.items() if k != ENV},
                           capture_output=True, text=True, timeout=120)
    assert "refunded 1 payments" in again.stdout, again.stderr
    assert refund_row(central, payment_id)[:2] == ("REFUNDED", f"sbx-refund-{payment_id}")
    assert sandbox.books.refunded(payment_id) == order["total_minor"]  # and only once


def test_sweepers_racing_refund_each_payment_once(client: TestClient, central: Central, db_url: str, clock,
                                                  sandbox: SandboxAcquirer, alice: dict[str, str]) -> None:
    """Three `sklad-central sweep` processes at once over the same due refunds (payments that came
    after their orders expired): every payment is refunded, each exactly once."""
    placed = [client.post("/orders", json=order_body(f"k{n}", "pp-msk", A=1), headers=alice).json()
              for n in range(8)]
    clock.advance(16)
    assert expire_due(central) == len(placed)
    assert {three_ds(client, p).json()["result"] for p in placed} == {"order_not_payable_refund_due"}
    env = {k: v for k, v in os.environ.items() if k != ENV}
    sweepers = [subprocess.Popen([central_cli(), "sweep", "--db", db_url], env=env, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [p.communicate(timeout=120)[0] for p in sweepers]
    assert all(p.returncode == 0 for p in sweepers), outputs
    for p in placed:
        payment_id = p["payment"]["payment_id"]
        assert refund_row(central, payment_id)[:2] == ("REFUNDED", f"sbx-refund-{payment_id}")
        assert sandbox.books.refunded(payment_id) == p["total_minor"]
