"""SQLite search: FTS5 over each SKU's stemmed text (Snowball, Russian or English by script,
applied in Python when indexing and when querying), ranked by bm25 with the name weighted most."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.index import Fetch, SearchIndex, param
from central.catalog.morphology import forms, normalize, stem, stemmed_text
from central.db.tables import skus

# bm25 weights of the FTS columns: name, brand, attributes, description.
BM25 = "bm25(catalog_fts, 10.0, 8.0, 3.0, 1.0)"
CHUNK = 500

JOIN = "FROM catalog_fts JOIN catalog_fts_docs AS d ON d.doc_id = catalog_fts.rowid WHERE catalog_fts MATCH :key"
AMONG = "d.sku IN (SELECT value FROM json_each(:among))"
WORD_SKUS = f"SELECT d.sku, -{BM25} {JOIN}"
WORD_SKUS_AMONG = f"{WORD_SKUS} AND {AMONG}"
NAMED = "SELECT sku FROM catalog_fts_docs WHERE name_key = :exact"


def word_expression(word: str) -> str | None:
    """FTS5 query for one word: any of its forms' stems. Stems are letters and digits only, so
    quoting them is all the escaping FTS5 syntax needs."""
    stems = [f'"{stem(f)}"' for f in forms(word) if stem(f)]
    return "(" + " OR ".join(stems) + ")" if stems else None


class SqliteIndex(SearchIndex):
    def word_key(self, fetch: Fetch, word: str) -> Hashable | None:
        return word_expression(word)

    def word_skus(self, fetch: Fetch, key: Hashable, among: Sequence[str] | None) -> list[tuple[str, float]]:
        if among is None:
            return fetch(WORD_SKUS, {"key": key})
        return fetch(WORD_SKUS_AMONG, {"key": key, "among": json.dumps(list(among))})

    def named(self, fetch: Fetch, exact: str) -> list[str]:
        return [row[0] for row in fetch(NAMED, {"exact": exact})]

    def one_of(self, column: sa.ColumnElement[str], name: str) -> sa.ColumnElement[bool]:
        return column.in_(sa.select(sa.literal_column("value")).select_from(
            sa.func.json_each(param(name, sa.String))))

    def list_value(self, values: Sequence[str]) -> object:
        return json.dumps(list(values))

    def microseconds(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
        # julianday: days since noon, 24 November 4714 BC; 2440587.5 of them is 1970-01-01.
        return sa.cast((sa.func.julianday(column) - 2440587.5) * 86_400_000_000, sa.BigInteger)

    def refresh(self, conn: Connection, sku_ids: Sequence[str]) -> None:
        for i in range(0, len(sku_ids), CHUNK):
            rows = conn.execute(sa.select(skus.c.sku, skus.c.name, skus.c.brand, skus.c.attributes,
                                          skus.c.description)
                                .where(skus.c.sku.in_(sku_ids[i:i + CHUNK]))).all()
            _write_docs(conn, rows)


def reindex_all(conn: Connection) -> None:
    """Index every SKU (the migration that creates the index calls this)."""
    rows = conn.exec_driver_sql("SELECT sku, name, brand, attributes, description FROM skus")
    while batch := rows.fetchmany(CHUNK):
        _write_docs(conn, batch)


def _write_docs(conn: Connection, rows: Iterable[Sequence[object]]) -> None:
    values = [document(*row) for row in rows]
    if values:
        conn.exec_driver_sql(
            "INSERT INTO catalog_fts_docs (sku, name_key, name, brand, attributes, description)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sku) DO UPDATE SET name_key = excluded.name_key,"
            " name = excluded.name, brand = excluded.brand, attributes = excluded.attributes,"
            " description = excluded.description", values)


def document(sku: str, name: str, brand: str, attributes: object, description: str) -> tuple[str, ...]:
    """One row of catalog_fts_docs: the SKU's texts as stems (attribute values only)."""
    if isinstance(attributes, str):  # raw rows (the migration) carry the JSON text
        attributes = json.loads(attributes)
    values = " ".join(str(v) for v in attributes.values()) if isinstance(attributes, dict) else ""
    return (sku, normalize(name), stemmed_text(name), stemmed_text(brand), stemmed_text(values),
            stemmed_text(description))
