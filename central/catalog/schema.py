"""The search index's schema objects, which are dialect-specific and so not in db/tables.py.

PostgreSQL: `skus.search_doc`, a stored generated tsvector (Russian configuration: Cyrillic
words get the Russian stemmer, Latin ones the English) weighted name and brand A, attributes B,
description C, under a GIN index; and a trigram GIN index on the lower-cased name for typos (pg_trgm).
SQLite: `catalog_fts_docs` holds each SKU's stemmed text and `catalog_fts` is an FTS5 index
over it, kept in step by triggers (the FTS5 "external content" pattern).
Migration 0007 creates them; `include_name` keeps them out of the metadata comparison.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

PG_SEARCH_DOC = """
ALTER TABLE skus ADD COLUMN search_doc tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('russian', name), 'A')
    || setweight(to_tsvector('russian', brand), 'A')
    || setweight(jsonb_to_tsvector('russian', attributes::jsonb, '["string", "numeric"]'), 'B')
    || setweight(to_tsvector('russian', description), 'C')
) STORED
"""
GIN_INDEXES = ("ix_skus_search_doc", "ix_skus_name_trgm")
# A whole name looked up as typed (postgres.py): the trigram index answers equality too, but by
# ANDing the lists of every trigram, which for common words reads most names.
NAME_KEY_INDEX = ("CREATE INDEX IF NOT EXISTS ix_skus_name_key ON skus ((replace(lower(name), 'ё', 'е')))")
PG_INDEXES = (*GIN_INDEXES, "ix_skus_name_key")
# Migration 0010 made this for search sorted by novelty, which walked it; 0014 drops it (search
# sorts in memory, memory.py). Its order was the sort's exactly, which each dialect spells
# differently (SQLite's DESC puts NULLs last already and does not parse NULLS LAST in an index).
NEWEST_INDEX = "ix_skus_created"
NEWEST_ORDER = {"postgresql": "created_at DESC NULLS LAST, sku", "sqlite": "created_at DESC, sku"}

SQLITE_DDL = (
    """CREATE TABLE catalog_fts_docs (
        doc_id INTEGER PRIMARY KEY, sku VARCHAR(64) NOT NULL UNIQUE, name_key TEXT NOT NULL,
        name TEXT NOT NULL, brand TEXT NOT NULL, attributes TEXT NOT NULL, description TEXT NOT NULL)""",
    """CREATE VIRTUAL TABLE catalog_fts USING fts5(
        name, brand, attributes, description, content='catalog_fts_docs', content_rowid='doc_id',
        tokenize='unicode61')""",
    """CREATE TRIGGER catalog_fts_docs_ai AFTER INSERT ON catalog_fts_docs BEGIN
        INSERT INTO catalog_fts(rowid, name, brand, attributes, description)
        VALUES (new.doc_id, new.name, new.brand, new.attributes, new.description); END""",
    """CREATE TRIGGER catalog_fts_docs_ad AFTER DELETE ON catalog_fts_docs BEGIN
        INSERT INTO catalog_fts(catalog_fts, rowid, name, brand, attributes, description)
        VALUES ('delete', old.doc_id, old.name, old.brand, old.attributes, old.description); END""",
    """CREATE TRIGGER catalog_fts_docs_au AFTER UPDATE ON catalog_fts_docs BEGIN
        INSERT INTO catalog_fts(catalog_fts, rowid, name, brand, attributes, description)
        VALUES ('delete', old.doc_id, old.name, old.brand, old.attributes, old.description);
        INSERT INTO catalog_fts(rowid, name, brand, attributes, description)
        VALUES (new.doc_id, new.name, new.brand, new.attributes, new.description); END""",
)


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    """Alembic filter: False for the search index's objects, which metadata does not describe."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith("catalog_fts")
    return not (name == "search_doc" or name in PG_INDEXES)


def create_newest_index(conn: Connection) -> None:
    """For migrations 0010 (up) and 0014 (down)."""
    conn.exec_driver_sql(f"CREATE INDEX {NEWEST_INDEX} ON skus ({NEWEST_ORDER[conn.dialect.name]})")


def create_pg(conn: Connection) -> None:
    conn.exec_driver_sql(PG_SEARCH_DOC)
    create_pg_indexes(conn)


def create_pg_indexes(conn: Connection) -> None:
    """The search indexes; a bulk load drops them first and builds them once at the end."""
    trgm = ensure_pg_trgm(conn)
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_skus_search_doc ON skus USING gin (search_doc)"
                         f" WITH ({GIN_OPTIONS})")
    conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS ix_skus_name_trgm ON skus USING gin "
                         f"((replace(lower(name), 'ё', 'е')) {trgm}.gin_trgm_ops) WITH ({GIN_OPTIONS})")
    conn.exec_driver_sql(NAME_KEY_INDEX)


# Without a pending list: with one, catalog upserts go to an unordered list (up to 4 MB) that every
# search then reads through, until a vacuum merges it. The catalog is read far more than written.
GIN_OPTIONS = "fastupdate = off"


def set_gin_options(conn: Connection) -> None:
    for index in GIN_INDEXES:
        conn.exec_driver_sql(f"ALTER INDEX {index} SET ({GIN_OPTIONS})")


def drop_pg(conn: Connection) -> None:
    drop_pg_indexes(conn)
    conn.exec_driver_sql("ALTER TABLE skus DROP COLUMN IF EXISTS search_doc")


def drop_pg_indexes(conn: Connection) -> None:
    for index in PG_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index}")


def ensure_pg_trgm(conn: Connection) -> str:
    """Install pg_trgm if missing (in public) and return the schema that holds it.

    The extension is database-wide and other schemas' migrations may create it at the same
    time: a concurrent creator's win shows as a unique violation, which is fine.
    """
    if (schema := pg_trgm_schema(conn)) is not None:
        return schema
    try:
        with conn.begin_nested():
            conn.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
    except Exception as exc:  # which error a lost race raises varies by version and timing
        if pg_trgm_schema(conn) is None:
            raise RuntimeError(f"cannot install the pg_trgm extension: {exc}") from exc
    schema = pg_trgm_schema(conn)
    assert schema is not None
    return schema


PG_TRGM_SCHEMA = ("SELECT quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
                  " WHERE e.extname = 'pg_trgm'")


def pg_trgm_schema(conn: Connection) -> str | None:
    return conn.exec_driver_sql(PG_TRGM_SCHEMA).scalar_one_or_none()


def create_sqlite(conn: Connection) -> None:
    for statement in SQLITE_DDL:
        conn.exec_driver_sql(statement)


def drop_sqlite(conn: Connection) -> None:
    conn.exec_driver_sql("DROP TABLE IF EXISTS catalog_fts")
    conn.exec_driver_sql("DROP TABLE IF EXISTS catalog_fts_docs")
