"""Taking bins out of the warehouse file: empty ones are retired, ones with stock stay in service."""

from __future__ import annotations

import logging
from dataclasses import replace

from edge.domain import commands as c
from edge.ledger.connection import connect
from edge.ledger.database import load_layout
from edge.terminal.queries import Queries


def reload_without(cfg, *codes: str, conn=None) -> None:
    """Load the layout as a node starting up does, on `conn` when the test holds the ledger open:
    two SQLite libraries must not open one file in one process."""
    layout = replace(cfg, locations=[loc for loc in cfg.locations if loc.code not in codes])
    own = conn is None
    conn = connect(cfg.ledger_path) if own else conn
    load_layout(conn, layout)
    if own:
        conn.close()


def retired(ledger, code: str) -> bool:
    return ledger.scalar("SELECT retired_at IS NOT NULL FROM locations WHERE code = ?", code) == 1


def test_an_empty_bin_taken_out_of_the_file_is_retired_and_back_in_service_when_put_back(ledger, cfg):
    reload_without(cfg, "A-01-02", conn=ledger.conn)
    assert retired(ledger, "A-01-02") and not retired(ledger, "A-01-01")
    ledger.refused(c.Move("m1", "MUG", 1, "A-01-01", "A-01-02"), "not_found", "A-01-02", "does not exist")
    reload_without(cfg, conn=ledger.conn)
    assert not retired(ledger, "A-01-02")
    fresh = type(ledger)(ledger.conn, type(ledger.uow)(ledger.conn))  # a new node forgets what it looked up
    fresh.ok(c.Move("m1", "MUG", 1, "A-01-01", "A-01-02"))
    assert fresh.balance("MUG", "A-01-02") == (1, 0)


def test_a_bin_that_still_holds_stock_stays_in_service_with_a_warning(ledger, cfg, caplog):
    with caplog.at_level(logging.WARNING, logger="edge.ledger.database"):
        reload_without(cfg, "A-01-01", conn=ledger.conn)  # 20 MUG there
    assert not retired(ledger, "A-01-01")
    assert any("A-01-01 is no longer in" in r.getMessage() and "stays in service" in r.getMessage()
               for r in caplog.records)
    assert ledger.ok(c.Move("m1", "MUG", 20, "A-01-01", "A-01-03"))


async def test_putaway_never_suggests_a_retired_bin(cfg):
    queries = Queries(cfg.ledger_path)
    await queries.open()
    try:
        # 190 units fit only in an empty bin: the first choice is one with nothing in it
        first = (await queries.suggest_putaway("LAMP", 190, "RCV-01"))["to_location"]
        reload_without(cfg, first)
        again = (await queries.suggest_putaway("LAMP", 190, "RCV-01"))["to_location"]
        assert again != first
        assert "is not a location" in str(await _refusal(queries.classify(first)))
    finally:
        await queries.close()


async def _refusal(awaitable) -> Exception:
    try:
        await awaitable
    except Exception as exc:  # the refusal is what the test looks at
        return exc
    raise AssertionError("it was accepted")


def reload_retyped(cfg, code: str, kind: str, conn) -> None:  # type: ignore[no-untyped-def]
    layout = replace(cfg, locations=[replace(loc, type=kind) if loc.code == code else loc for loc in cfg.locations])
    load_layout(conn, layout)


def location_type(ledger, code: str) -> str:  # type: ignore[no-untyped-def]
    return ledger.scalar("SELECT type FROM locations WHERE code = ?", code)


def test_quarantine_is_not_made_sellable_while_central_counts_units_by_it(ledger, cfg, caplog):
    ledger.ok(c.Move("q1", "MUG", 2, "A-01-01", "QUA-01"))
    with caplog.at_level(logging.WARNING, logger="edge.ledger.layout_sellable"):
        reload_retyped(cfg, "QUA-01", "reserve", ledger.conn)  # holds 2 MUG not for sale
    assert location_type(ledger, "QUA-01") == "quarantine"
    assert any("QUA-01 is a reserve location" in r.getMessage() and "not for sale" in r.getMessage()
               for r in caplog.records)
    ledger.ok(c.Move("q2", "MUG", 2, "QUA-01", "A-01-01"))
    reload_retyped(cfg, "QUA-01", "reserve", ledger.conn)  # empty, but central has not seen it emptied
    assert location_type(ledger, "QUA-01") == "quarantine"
    last = ledger.scalar("SELECT MAX(seq) FROM movements")
    ledger.conn.execute("INSERT INTO sync_state(name, value) VALUES ('upload_acked_seq', ?) "
                        "ON CONFLICT(name) DO UPDATE SET value = excluded.value", (str(last),))
    reload_retyped(cfg, "QUA-01", "reserve", ledger.conn)  # empty and synced
    assert location_type(ledger, "QUA-01") == "reserve"


def test_a_retype_that_keeps_sellability_goes_through_with_stock_in_place(ledger, cfg):
    reload_retyped(cfg, "A-01-01", "staging", ledger.conn)  # 20 MUG there, for sale either way
    assert location_type(ledger, "A-01-01") == "staging"
