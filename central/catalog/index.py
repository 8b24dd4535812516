"""The search port: how one database finds SKUs by text. Filters, facets, sorting and paging
are shared SQL (central/catalog/search.py); only the text match and its rank differ."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.query import SearchQuery

# Runs one compiled statement with its parameters on the request's connection.
Fetch = Callable[[str, Any], list[tuple]]  # params: a dict (PostgreSQL) or a tuple (SQLite)


def param(name: str, type_: sa.types.TypeEngine[object] | type[sa.types.TypeEngine[object]]) -> sa.BindParameter:
    """A named parameter of a compiled search statement: its value comes with each run
    (search.params_of), never from the statement (None here only lets the shape compile)."""
    return sa.bindparam(name, None, type_=type_)


@dataclass(frozen=True)
class Match:
    """SKUs matching the text, and how well (higher rank, better match): either a condition and
    a rank over skus' own columns, or `keys`, a subquery of (sku, rank) to join skus with."""

    rank: sa.ColumnElement[float]
    where: sa.ColumnElement[bool] | None = None
    keys: sa.Subquery | None = None


class SearchIndex:
    """Base of the adapters. A subclass answers text matches and keeps its index current.

    Statements are compiled once per shape and reused (central/catalog/compiled.py), so a match
    is built from the query's text shape with named bind parameters, whose values come from
    `text_params`."""

    def text_shape(self, query: SearchQuery) -> Hashable | None:
        """What about the query's words changes the SQL; None if it has no words to match."""
        raise NotImplementedError

    def text_params(self, query: SearchQuery) -> dict[str, object]:
        """Values of the bind parameters the match (and near match) use."""
        raise NotImplementedError

    def match(self, shape: Hashable) -> Match:
        """The text match for queries of this text shape."""
        raise NotImplementedError

    def allows_near(self, query: SearchQuery) -> bool:
        """Whether a looser match (typos) is worth trying when `match` finds nothing."""
        return False

    def near_match(self, fetch: Fetch, text: Hashable) -> Match:
        """The looser match for queries of this text shape; only called when allows_near said so."""
        raise NotImplementedError

    # Hits counted and ranked exactly; past this many (matching the text and every filter), counts
    # are estimated from the first `sample` hits in storage order and relevance ranks those.
    # None: always exact.
    sample: int | None = None

    def position(self) -> sa.ColumnElement[int]:
        """A SKU row's place in storage order, which a sampled scan meets hits in (sample set)."""
        raise NotImplementedError

    def positions(self) -> sa.ColumnElement[int]:
        """How many places storage has: a full sample's last position against it scales the count."""
        raise NotImplementedError

    def one_of(self, column: sa.ColumnElement[str], ids: sa.Select) -> sa.ColumnElement[bool]:
        """`column` is one of the ids the select returns (a category's subtree)."""
        return column.in_(ids)

    def refresh(self, conn: Connection, sku_ids: Sequence[str]) -> None:
        """Bring the index up to date with these SKUs' rows, in the caller's transaction."""


@lru_cache(maxsize=4)
def index_for(dialect: str) -> SearchIndex:
    from central.catalog.postgres import PostgresIndex
    from central.catalog.sqlite_fts import SqliteIndex

    return PostgresIndex() if dialect == "postgresql" else SqliteIndex()
