"""PostgreSQL search: the generated tsvector `skus.search_doc` under GIN, and pg_trgm word
similarity on lower(name) when the words themselves find nothing (a typo)."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.index import Match, SearchIndex
from central.catalog.morphology import forms
from central.catalog.query import SearchQuery
from central.catalog.schema import pg_trgm_schema
from central.db.tables import skus

RUSSIAN = sa.literal_column("'russian'::regconfig")
EXACT_NAME_BONUS = 100.0
MIN_TYPO_CHARS = 4  # shorter text has too few trigrams to tell a typo from another word
_search_doc = sa.literal_column("skus.search_doc")


def _name_key() -> sa.ColumnElement[str]:
    # Literals, not parameters: the trigram index is on exactly this expression.
    return sa.func.replace(sa.func.lower(skus.c.name), sa.literal_column("'ё'"), sa.literal_column("'е'"))


class PostgresIndex(SearchIndex):
    def __init__(self) -> None:
        self._trgm: str | None = None
        self._lock = threading.Lock()

    def match(self, query: SearchQuery) -> Match | None:
        words = query.words
        if not words:
            return None
        tsquery = None
        for word in words:
            either = None
            for form in forms(word):
                one = sa.func.plainto_tsquery(RUSSIAN, form)
                either = one if either is None else either.op("||")(one)
            tsquery = either if tsquery is None else tsquery.op("&&")(either)
        rank = sa.func.ts_rank(_search_doc, tsquery, type_=sa.Float) + _exact_bonus(query)
        return Match(rank=rank, where=_search_doc.bool_op("@@")(tsquery))

    def near_match(self, query: SearchQuery, conn: Connection) -> Match | None:
        text = query.exact_name
        if len(text) < MIN_TYPO_CHARS:
            return None
        trgm = self._trgm_schema(conn)
        similar = _name_key().op(f"OPERATOR({trgm}.%>)", is_comparison=True)(text)
        rank = getattr(sa.func, trgm).word_similarity(text, _name_key(), type_=sa.Float)
        return Match(rank=rank, where=similar)

    def _trgm_schema(self, conn: Connection) -> str:
        with self._lock:
            if self._trgm is None:
                self._trgm = pg_trgm_schema(conn) or "public"
            return self._trgm


def _exact_bonus(query: SearchQuery) -> sa.ColumnElement[float]:
    return sa.case((_name_key() == query.exact_name, EXACT_NAME_BONUS), else_=0.0)
