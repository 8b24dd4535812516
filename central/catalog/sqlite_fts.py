"""SQLite search: FTS5 over each SKU's stemmed text (Snowball, Russian or English by script,
applied in Python when indexing and when querying), ranked by bm25 with the name weighted most."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.index import Match, SearchIndex, param
from central.catalog.morphology import forms, normalize, stem, stemmed_text
from central.catalog.query import SearchQuery
from central.db.tables import skus

EXACT_NAME_BONUS = 1000.0
# bm25 weights of the FTS columns: name, brand, attributes, description.
BM25 = "bm25(catalog_fts, 10.0, 8.0, 3.0, 1.0)"
CHUNK = 500

fts = sa.table("catalog_fts", sa.column("rowid", sa.Integer))
docs = sa.table("catalog_fts_docs", sa.column("doc_id", sa.Integer), sa.column("sku", sa.String),
                sa.column("name_key", sa.String))


def match_expression(words: Sequence[str]) -> str:
    """FTS5 query: every word, each as any of its forms' stems. Stems are letters and digits
    only, so quoting them is all the escaping FTS5 syntax needs."""
    return " AND ".join("(" + " OR ".join(f'"{stem(f)}"' for f in forms(w)) + ")" for w in words)


class SqliteIndex(SearchIndex):
    def text_shape(self, query: SearchQuery) -> Hashable | None:
        """One FTS5 expression whatever the words: every query with words has the same SQL."""
        return "words" if query.words else None

    def text_params(self, query: SearchQuery) -> dict[str, object]:
        return {"fts": match_expression(query.words), "exact": query.exact_name} if query.words else {}

    def match(self, shape: Hashable) -> Match:
        expression = param("fts", sa.String)
        found = (sa.select(fts.c.rowid.label("doc_id"), (-sa.literal_column(BM25, sa.Float)).label("score"))
                 .where(sa.literal_column("catalog_fts").op("MATCH")(expression))
                 .subquery("fts_hits"))
        bonus = sa.case((docs.c.name_key == param("exact", sa.String), EXACT_NAME_BONUS), else_=0.0)
        keys = (sa.select(docs.c.sku, (found.c.score + bonus).label("rank"))
                .join_from(found, docs, docs.c.doc_id == found.c.doc_id).subquery("text_match"))
        return Match(rank=keys.c.rank, keys=keys)

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
