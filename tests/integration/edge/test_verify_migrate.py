"""verify() and `sklad-edge verify` against tampered ledgers; append-only and CHECK guards; migrations."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from alembic.script import ScriptDirectory

from edge.domain import commands as c
from edge.ledger.database import MIGRATIONS, migrate
from edge.ledger.verify import verify
from edge.sync_bridge import sync_status


def cli_verify(path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edge.cli", "verify", "--db", str(path)],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def tamper(ledger):
    """Run raw SQL on the ledger the way a careless person with sqlite3 would."""
    def tamper(sql: str, *args) -> None:
        ledger.conn.execute(sql, args)
    return tamper


def test_verify_detects_a_tampered_balance(ledger, tamper):
    tamper("UPDATE balances SET on_hand = on_hand + 3 WHERE sku = 'MUG' AND location = 'A-05-01'")
    report = ledger.verify()
    assert not report.ok
    assert report.problems == ["MUG at A-05-01: on hand 33 but movements sum to 30"]
    assert "1 problem(s)" in report.render()


def test_verify_detects_allocation_without_open_picks(allocated, tamper):
    ledger, _ = allocated
    tamper("UPDATE tasks SET state = 'cancelled' WHERE location = 'A-05-01'")
    assert ledger.verify().problems == ["MUG at A-05-01: allocated 5 but open picks need 0"]


def test_verify_detects_a_seq_gap_and_a_missing_balance(ledger, tamper):
    tamper("INSERT INTO movements(seq, id, at, kind, sku, lot, qty, to_location) "
           "VALUES (20, 'x', '2026-01-01', 'receive', 'TEA', '', 1, 'RCV-02')")
    problems = ledger.verify().problems
    assert "movement seq is not gap-free: 15 rows span 1..20" in problems
    assert "TEA at RCV-02: movements sum to 1 but there is no balance row" in problems


def test_movements_are_append_only_and_balances_guarded(cfg):
    raw = sqlite3.connect(cfg.ledger_path, isolation_level=None)  # any client, not only the node's writer
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE movements SET qty = 1 WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM movements WHERE seq = 14")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        raw.execute("UPDATE balances SET on_hand = -1 WHERE sku = 'TEA'")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
        raw.execute("UPDATE balances SET allocated = on_hand + 1 WHERE sku = 'TEA'")
    assert verify(raw).ok and raw.execute("SELECT COUNT(*) FROM movements").fetchone()[0] == 14
    raw.close()


def test_verify_cli_exit_codes(cfg, tmp_path):
    fine = cli_verify(cfg.ledger_path)
    assert fine.returncode == 0, fine.stdout + fine.stderr
    assert "14 movements" in fine.stdout and "all invariants hold" in fine.stdout
    conn = sqlite3.connect(cfg.ledger_path)
    conn.execute("UPDATE balances SET on_hand = 2 WHERE sku = 'TEA' AND location = 'A-03-01'")
    conn.commit()
    conn.close()
    bad = cli_verify(cfg.ledger_path)
    assert bad.returncode == 1
    assert "1 problem(s)" in bad.stdout and "TEA at A-03-01: on hand 2 but movements sum to 5" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr
    missing = cli_verify(tmp_path / "nope.db")
    assert missing.returncode == 2 and "no ledger at" in missing.stderr


def _schema(path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
    finally:
        conn.close()


def _contents(path) -> list:
    conn = sqlite3.connect(path)
    try:
        tables = ("movements", "balances", "tasks", "idempotency", "locations")
        return [conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall() for t in tables]
    finally:
        conn.close()


def test_migrating_a_current_ledger_is_a_no_op(cfg, ledger):
    ledger.ok(c.Receive("r", "MUG", 1, "RCV-01"))
    ledger.conn.close()  # Alembic works through the standard sqlite3: one SQLite library per process
    schema, before = _schema(cfg.ledger_path), _contents(cfg.ledger_path)
    migrate(cfg.ledger_path)
    assert _schema(cfg.ledger_path) == schema
    assert _contents(cfg.ledger_path) == before


def test_upgrading_an_old_ledger_keeps_its_movements(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, "0001")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO locations VALUES ('RCV-01', 'IN', 'receiving', 0, 0, 0)")
    conn.execute("INSERT INTO skus(sku, name) VALUES ('MUG', 'Mug')")
    conn.execute("INSERT INTO movements(seq, id, at, kind, sku, qty, to_location) "
                 "VALUES (1, 'm1', '2026-01-01', 'receive', 'MUG', 7, 'RCV-01')")
    conn.execute("INSERT INTO balances VALUES ('MUG', 'RCV-01', '', 7, 0)")
    conn.commit()
    conn.close()
    migrate(path)
    conn = sqlite3.connect(path)
    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)] != [("0001",)]
    assert conn.execute("SELECT seq, qty FROM movements").fetchall() == [(1, 7)]
    assert conn.execute("SELECT COUNT(*) FROM expected_receipts").fetchone() == (0,)
    conn.close()
    assert cli_verify(path).returncode == 0


def test_status_of_a_ledger_the_node_has_not_upgraded_yet(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, "0004")  # what the previous version left; the new node migrates it when it starts
    status = sync_status(path)
    assert status["feed_outcomes_unreported"] is None and status["feed_rejections"] == 0


def test_upgrading_to_0011_keeps_live_batches_and_lets_one_be_cancelled(tmp_path):
    path = tmp_path / "old.db"
    migrate(path, "0010")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("INSERT INTO locations VALUES ('T1', 'IN', 'tote', 0, 0, 0, NULL)")
    conn.execute("INSERT INTO skus(sku, name) VALUES ('MUG', 'Mug')")
    conn.execute("INSERT INTO shipments(id, order_id, status, created_at, updated_at) "
                 "VALUES ('S1', 'O1', 'picking', 'now', 'now')")
    conn.execute("INSERT INTO batches VALUES (7, 'put_wall', 'putting', 'B1', 'T1', 'now', 'now')")
    conn.execute("INSERT INTO batch_shipments VALUES (7, 'S1', NULL, 'T1')")
    conn.execute("INSERT INTO batch_puts VALUES (7, 'S1', 'MUG', 2)")
    conn.commit()
    conn.close()
    migrate(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = ON")
    assert conn.execute("SELECT id, state FROM batches").fetchall() == [(7, "putting")]
    assert conn.execute("SELECT * FROM batch_shipments").fetchall() == [(7, "S1", None, "T1")]
    assert conn.execute("SELECT * FROM batch_puts").fetchall() == [(7, "S1", "MUG", 2)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("UPDATE batches SET state = 'cancelled'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE batches SET state = 'lost'")
    conn.close()
