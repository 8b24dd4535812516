"""The search port: how one database finds SKUs by text. Filters, facets, sorting and paging
are shared SQL (central/catalog/search.py); only the text match and its rank differ."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.query import SearchQuery


@dataclass(frozen=True)
class Match:
    """SKUs matching the text, and how well (higher rank, better match): either a condition and
    a rank over skus' own columns, or `keys`, a subquery of (sku, rank) to join skus with."""

    rank: sa.ColumnElement[float]
    where: sa.ColumnElement[bool] | None = None
    keys: sa.Subquery | None = None


class SearchIndex:
    """Base of the adapters. A subclass answers text matches and keeps its index current."""

    def match(self, query: SearchQuery) -> Match | None:
        """The text match for `query`, or None if it has no words to match."""
        raise NotImplementedError

    def near_match(self, query: SearchQuery, conn: Connection) -> Match | None:
        """A looser match tried when `match` finds nothing (typos); None if unsupported."""
        return None

    def refresh(self, conn: Connection, sku_ids: Sequence[str]) -> None:
        """Bring the index up to date with these SKUs' rows, in the caller's transaction."""


@lru_cache(maxsize=4)
def index_for(dialect: str) -> SearchIndex:
    from central.catalog.postgres import PostgresIndex
    from central.catalog.sqlite_fts import SqliteIndex

    return PostgresIndex() if dialect == "postgresql" else SqliteIndex()
