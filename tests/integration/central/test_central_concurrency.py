"""Many buyers at once: no oversell, no lost update; feed seqs stay gap-free under load."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from support_central import levels

from central import stock
from central.bootstrap import Central
from central.db.tables import feed, reservations
from central.domain.orders import Line
from central.errors import OutOfStock
from central.services import checkout
from central.services.catalog import import_stock
from central.services.checkout import PlaceOrder, place_order
from central.services.payments import sandbox_authenticate

BUYERS = 60
UNITS = (7, 6)  # FLASH units in wh-msk and wh-spb


def buy(central: Central, n: int) -> str | None:
    cmd = PlaceOrder(customer_id=f"buyer-{n}", idempotency_key="flash", pickup_point_id="pp-msk",
                     lines=(Line("FLASH", 1),))
    try:
        return place_order(central, cmd).order.order_id
    except OutOfStock:
        return None


def test_flash_sale_reserves_exactly_the_available_units(network: Central) -> None:
    import_stock(network, [("wh-msk", "FLASH", UNITS[0]), ("wh-spb", "FLASH", UNITS[1])])
    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(lambda n: buy(network, n), range(BUYERS)))
    sold = [order_id for order_id in results if order_id]
    assert len(sold) == len(set(sold)) == sum(UNITS)
    assert levels(network, "FLASH") == {"wh-msk": (UNITS[0], UNITS[0]),
                                        "wh-spb": (UNITS[1], UNITS[1])}


def test_concurrent_payments_keep_each_feed_gap_free(network: Central) -> None:
    import_stock(network, [("wh-msk", "FLASH", 100)])
    orders = [place_order(network, PlaceOrder(f"c{n}", "k", "pp-msk", (Line("FLASH", 1),)))
              .order for n in range(24)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(
            lambda o: sandbox_authenticate(network, o.payment.payment_id, "succeeded", o.customer_id), orders))
    assert {r.result for r in results} == {"paid"}
    with network.db.read() as conn:
        seqs = conn.execute(sa.select(feed.c.feed_seq).where(feed.c.warehouse_id == "wh-msk")
                            .order_by(feed.c.feed_seq)).scalars().all()
        fulfilments = conn.execute(sa.select(sa.func.count()).select_from(feed).where(
            feed.c.warehouse_id == "wh-msk", feed.c.command_type == "fulfilment_order")
        ).scalar_one()
    assert seqs == list(range(1, len(seqs) + 1))
    assert fulfilments == 24


def test_same_idempotency_key_racing_makes_one_order(network: Central) -> None:
    cmd = PlaceOrder("alice", "double-click", "pp-msk", (Line("A", 2),))
    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = set(pool.map(lambda _: place_order(network, cmd).order.order_id, range(6)))
    assert len(ids) == 1
    assert levels(network, "A")["wh-msk"] == (10, 2)


def test_a_hold_judges_the_stock_it_locks_not_an_older_snapshot(
        network: Central, monkeypatch: pytest.MonkeyPatch) -> None:
    """After routing, another buyer takes all of B in wh-msk, and a third transaction gives it
    back but is still open when the hold starts. The hold waits for it, sees B free again and
    holds both lines: never one line held without the other, never a reservation row for
    units not held."""
    routed = checkout._draft
    raced = threading.Event()

    def draft_then_race(*args, **kwargs):  # type: ignore[no-untyped-def]
        draft = routed(*args, **kwargs)
        if not raced.is_set():
            raced.set()
            with network.db.write() as conn:
                assert stock.reserve(conn, "wh-msk", "B", 5, now=network.clock())
            opened = threading.Event()

            def give_back() -> None:
                with network.db.write() as conn:
                    stock.release(conn, "wh-msk", "B", 5, now=network.clock())
                    opened.set()
                    time.sleep(0.5)

            threading.Thread(target=give_back).start()
            opened.wait(5)
        return draft

    monkeypatch.setattr(checkout, "_draft", draft_then_race)
    order = place_order(network, PlaceOrder("bob", "k1", "pp-msk",
                                            (Line("A", 1), Line("B", 5)))).order
    assert [(s.warehouse_id, [(ln.sku, ln.qty) for ln in s.lines]) for s in order.shipments] == [
        ("wh-msk", [("A", 1), ("B", 5)])]
    assert levels(network, "A")["wh-msk"] == (10, 1)
    assert levels(network, "B")["wh-msk"] == (5, 5)
    with network.db.read() as conn:
        held = conn.execute(sa.select(reservations.c.sku, sa.func.sum(reservations.c.qty))
                            .group_by(reservations.c.sku).order_by(reservations.c.sku)).all()
    assert [tuple(row) for row in held] == [("A", 1), ("B", 5)]


def test_a_hold_that_finds_a_line_taken_changes_nothing_and_routes_again(
        network: Central, monkeypatch: pytest.MonkeyPatch) -> None:
    """After routing to wh-msk, another buyer takes all of B there: the hold must keep nothing
    (not A's unit in wh-msk either), and the retry routes the basket to wh-spb."""
    routed = checkout._draft
    raced = threading.Event()

    def draft_then_take_b(*args, **kwargs):  # type: ignore[no-untyped-def]
        draft = routed(*args, **kwargs)
        if not raced.is_set():
            raced.set()
            with network.db.write() as conn:
                assert stock.reserve(conn, "wh-msk", "B", 5, now=network.clock())
        return draft

    monkeypatch.setattr(checkout, "_draft", draft_then_take_b)
    order = place_order(network, PlaceOrder("bob", "k1", "pp-msk",
                                            (Line("A", 1), Line("B", 1)))).order
    assert [s.warehouse_id for s in order.shipments] == ["wh-spb"]
    assert levels(network, "A") == {"wh-msk": (10, 0), "wh-spb": (10, 1)}
    assert levels(network, "B") == {"wh-msk": (5, 5), "wh-spb": (10, 1)}
    with network.db.read() as conn:
        held = conn.execute(sa.select(reservations.c.warehouse_id, reservations.c.sku)
                            .order_by(reservations.c.sku)).all()
    assert [tuple(row) for row in held] == [("wh-spb", "A"), ("wh-spb", "B")]
