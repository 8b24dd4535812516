"""Connections to the ledger, with the pragmas every one of them needs.

The ledger is an SQLite file in WAL mode with synchronous=FULL: a pick confirmed to a handheld
must survive a power cut. Kept apart from the migrations so that the writer process starts
without importing Alembic and SQLAlchemy.

Readers (status, verify, the sync outbox) use the standard library's sqlite3. The writer uses APSW
with its own, newer SQLite: it binds parameters and steps statements in about two thirds of the
time, and a pick writes six rows. Both read and write the same file format and WAL. The two
never share a process in the node: the writer process opens the only APSW connection, because two
copies of SQLite in one process do not see each other's POSIX locks
(https://www.sqlite.org/howtocorrupt.html, 2.2.1).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import apsw

BUSY_TIMEOUT_MS = 10_000


def apply_pragmas(conn: sqlite3.Connection | apsw.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def connect(path: Path | str) -> sqlite3.Connection:
    """A plain DBAPI connection in autocommit mode; callers issue BEGIN/COMMIT themselves."""
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    apply_pragmas(conn)
    return conn


def connect_writer(path: Path | str) -> apsw.Connection:
    """The writer's connection, in autocommit mode like `connect`: BEGIN/COMMIT are issued by hand."""
    conn = apsw.Connection(str(path), flags=apsw.SQLITE_OPEN_READWRITE)
    apply_pragmas(conn)
    return conn


class OwnConnection:
    """A reader or writer of the ledger that owns its connection and closes it when told."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def close(self) -> None:
        self.conn.close()
