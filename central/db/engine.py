"""Engines by URL, and the Database handle that hands out read and write transactions.

SQLite: WAL, busy timeout, foreign keys, and BEGIN IMMEDIATE for writes so concurrent
writers queue on the lock instead of failing on upgrade. PostgreSQL (psycopg 3): READ
COMMITTED; correctness comes from conditional updates, not from the isolation level.
A PostgreSQL schema can be chosen in the URL: `?options=-csearch_path%3Dmyschema`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from central.errors import ConfigError

DEFAULT_URL = "sqlite:///var/central.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def make_engine(url: str, pool_size: int = 10) -> Engine:
    if url.startswith("sqlite"):
        return _sqlite_engine(url, pool_size)
    if url.startswith("postgresql"):
        engine = sa.create_engine(
            _with_psycopg(url), pool_size=pool_size, max_overflow=pool_size,
            pool_recycle=3600, isolation_level="READ COMMITTED",
        )
        sa.event.listen(engine, "connect", _postgres_on_connect)
        return engine
    raise ConfigError(
        f"unsupported database URL {url!r}: use sqlite:///path.db or postgresql://user@host/db"
    )


def _with_psycopg(url: str) -> str:
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _postgres_on_connect(dbapi_conn: Any, _record: Any) -> None:
    # JIT compiles a plan whose estimated cost is high (a search over many hits) and costs tens
    # of milliseconds doing it: more than it ever saves on central's short queries.
    with dbapi_conn.cursor() as cur:
        cur.execute("SET jit = off")
    dbapi_conn.commit()


def _sqlite_engine(url: str, pool_size: int) -> Engine:
    database = sa.make_url(url).database
    if not database or database == ":memory:":
        raise ConfigError("central needs an SQLite file, not an in-memory database")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, pool_size=pool_size, max_overflow=pool_size,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
    )
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # the driver stays out of it; "begin" below decides
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _sqlite_on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """Hands out transactions: `read()` for queries, `write()` for changes.

    Both commit on a clean exit and roll back on an exception.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self.is_postgres = engine.dialect.name == "postgresql"
        # PostgreSQL hot paths get autocommit connections from a pool of their own, as large as
        # the main pool and with no overflow: past the pool a burst waits for a connection, where
        # overflow would open and close one per request (a backend start each, ~35/s measured
        # under the checkout benchmark) and lose its prepared statements.
        self._autocommit = sa.create_engine(
            engine.url, isolation_level="AUTOCOMMIT", pool_size=engine.pool.size(),
            max_overflow=0, pool_recycle=3600) if self.is_postgres else None
        if self._autocommit is not None:
            sa.event.listen(self._autocommit, "connect", _postgres_on_connect)
        # SQLite has one writer at a time anyway; threads of this process queue for it here in
        # order, instead of polling the database lock with the busy handler's growing sleeps
        # (seconds at p99 under load). Other processes still meet at the database lock.
        self._sqlite_writer = threading.RLock()

    @classmethod
    def from_url(cls, url: str, pool_size: int = 10) -> Database:
        return cls(make_engine(url, pool_size))

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @contextmanager
    def autocommit(self) -> Iterator[psycopg.Connection[Any]]:
        """PostgreSQL only: a psycopg connection in autocommit, for hot paths that skip SQLAlchemy.

        Each statement is its own transaction: no BEGIN and COMMIT round trips, and READ
        COMMITTED gives it its own snapshot. psycopg errors reach the caller as they are; a
        connection that broke is dropped from the pool rather than handed out again.
        """
        assert self._autocommit is not None, "autocommit() is for PostgreSQL"
        pooled = self._autocommit.raw_connection()
        conn = pooled.driver_connection
        try:
            yield conn
        except psycopg.Error:
            if conn.broken or conn.closed:
                pooled.invalidate()
            raise
        finally:
            pooled.close()

    @contextmanager
    def driver_write(self) -> Iterator[Any]:
        """The driver's own connection with each statement its own transaction, for a one-row
        write on a hot path (through SQLAlchemy, its begin, statement and commit cost ~4 times
        the CPU). Placeholders are the driver's: %s on PostgreSQL, ? on SQLite, where the
        statement queues with this process's other writers."""
        if self.is_postgres:
            with self.autocommit() as conn:
                yield conn
            return
        with self._sqlite_writer:
            pooled = self.engine.raw_connection()
            try:
                yield pooled.driver_connection  # isolation_level None: the statement commits itself
            finally:
                pooled.close()

    @contextmanager
    def write(self) -> Iterator[Connection]:
        if not self.is_sqlite:
            with self.engine.connect() as conn, conn.begin():
                yield conn
            return
        with self._sqlite_writer, self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    def dispose(self) -> None:
        self.engine.dispose()
        if self._autocommit is not None:
            self._autocommit.dispose()
