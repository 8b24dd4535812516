"""`sklad-edge verify`: prove the ledger's invariants from the raw tables.

Balances must equal the sum of movements per (sku, location, lot); nothing is negative; allocated
never exceeds on hand and equals what open pick and replenish tasks still need (a replenish task
holds the reserve units it will carry); seq is gap-free from 1.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from edge.ledger.verify_batches import check_batches
from edge.ledger.verify_labels import check_labels
from edge.ledger.verify_returns import check_returns


@dataclass
class Report:
    movements: int = 0
    balances: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def render(self) -> str:
        head = f"{self.movements} movements, {self.balances} balances: "
        if self.ok:
            return head + "all invariants hold"
        lines = [head + f"{len(self.problems)} problem(s)"]
        lines += [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  ... and {len(self.problems) - 50} more")
        return "\n".join(lines)


SUM_OF_MOVEMENTS = """
SELECT sku, location, lot, SUM(delta) FROM (
    SELECT sku, to_location AS location, lot, qty AS delta FROM movements WHERE to_location IS NOT NULL
    UNION ALL
    SELECT sku, from_location, lot, -qty FROM movements WHERE from_location IS NOT NULL
) GROUP BY sku, location, lot
"""

OPEN_PICKS = """
SELECT sku, location, lot, SUM(qty - done_qty) FROM tasks
WHERE kind IN ('pick', 'replenish') AND state IN ('open', 'assigned') GROUP BY sku, location, lot
"""


def _seq_gaps(conn: sqlite3.Connection, report: Report) -> None:
    count, low, high = conn.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM movements").fetchone()
    report.movements = count
    if count and (low != 1 or high != count):
        report.problems.append(f"movement seq is not gap-free: {count} rows span {low}..{high}")


def _balances(conn: sqlite3.Connection, report: Report) -> None:
    expected = {(s, loc, lot): q for s, loc, lot, q in conn.execute(SUM_OF_MOVEMENTS)}
    picks = {(s, loc, lot): q for s, loc, lot, q in conn.execute(OPEN_PICKS)}
    rows = conn.execute("SELECT sku, location, lot, on_hand, allocated FROM balances").fetchall()
    report.balances = len(rows)
    seen = set()
    for sku, loc, lot, on_hand, allocated in rows:
        key = (sku, loc, lot)
        seen.add(key)
        where = f"{sku} at {loc}{' lot ' + lot if lot else ''}"
        if on_hand != expected.get(key, 0):
            report.problems.append(f"{where}: on hand {on_hand} but movements sum to {expected.get(key, 0)}")
        if on_hand < 0 or allocated < 0 or allocated > on_hand:
            report.problems.append(f"{where}: on hand {on_hand}, allocated {allocated} is impossible")
        if allocated != picks.get(key, 0):
            report.problems.append(f"{where}: allocated {allocated} but open picks need {picks.get(key, 0)}")
    for key, qty in expected.items():
        if key not in seen and qty != 0:
            report.problems.append(f"{key[0]} at {key[1]}: movements sum to {qty} but there is no balance row")


def verify(conn: sqlite3.Connection) -> Report:
    report = Report()
    conn.execute("BEGIN")  # one consistent snapshot while the node may still be writing
    try:
        _seq_gaps(conn, report)
        _balances(conn, report)
        check_labels(conn, report.problems)
        check_batches(conn, report.problems)
        check_returns(conn, report.problems)
        bad = conn.execute("PRAGMA foreign_key_check").fetchall()
        if bad:
            report.problems.append(f"{len(bad)} rows reference missing parents (first: {bad[0]})")
        integrity = conn.execute("PRAGMA quick_check").fetchone()[0]
        if integrity != "ok":
            report.problems.append(f"SQLite integrity check: {integrity}")
    finally:
        conn.execute("ROLLBACK")
    return report
