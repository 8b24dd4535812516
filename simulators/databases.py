"""Throw-away central databases for benchmarks: a PostgreSQL schema or an SQLite file."""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg

PG_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass(frozen=True)
class ScratchDb:
    url: str        # what `sklad-central serve --db` takes
    where: str      # the PostgreSQL schema, or the folder holding central.db


@contextmanager
def scratch_database(kind: str, prefix: str = "bench") -> Iterator[ScratchDb]:
    """A fresh, empty central database of `kind` ("pg" or "sqlite"), dropped afterwards."""
    if kind == "pg":
        schema = f"{prefix}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(PG_DSN, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        try:
            yield ScratchDb(f"{PG_DSN}?options=-csearch_path%3D{schema}", schema)
        finally:
            with psycopg.connect(PG_DSN, autocommit=True) as conn:
                conn.execute(f"DROP SCHEMA {schema} CASCADE")
        return
    folder = tempfile.mkdtemp(prefix=f"sklad-{prefix}-")
    try:
        yield ScratchDb(f"sqlite:///{folder}/central.db", folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
