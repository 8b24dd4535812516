"""The search port: how one database's text index answers words. Everything else a search does
(filters, facets, sorting, paging) is the same for both (search.py, over memory.py's columns).

A query matches the SKUs every word matches; a word matches by any of its forms (morphology).
The index answers one word at a time (`word_skus`: its hits and how well each matches it), which
the worker keeps; a hit's relevance to a query is the sum over its words.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.query import SearchQuery

# Runs one statement with its parameters on the request's connection.
Fetch = Callable[[str, Any], list[tuple]]  # params: a dict, or a tuple (SQLite, compiled statements)
# Runs one statement and hands its rows over a batch at a time.
Batches = Callable[[str, Any], Iterator[list[tuple]]]


def param(name: str, type_: sa.types.TypeEngine[object] | type[sa.types.TypeEngine[object]]) -> sa.BindParameter:
    """A named parameter of a compiled statement: its value comes with each run."""
    return sa.bindparam(name, None, type_=type_)


class SearchIndex:
    """Base of the adapters. A subclass answers text matches and keeps its index current."""

    def word_key(self, fetch: Fetch, word: str) -> Hashable | None:
        """What the index matches for this word (its forms, as the index stems them): words with
        the same key have the same hits. None: a word the index ignores (a stop word)."""
        raise NotImplementedError

    def word_skus(self, fetch: Fetch, key: Hashable, among: Sequence[str] | None) -> list[tuple[str, float]]:
        """(sku, rank) of the SKUs matching one word's key (all of them, or those of `among`):
        the rank is the index's own for that word alone, higher for a better match."""
        raise NotImplementedError

    def named(self, fetch: Fetch, exact: str) -> list[str]:
        """The SKUs named exactly this (normalized as morphology.normalize does)."""
        raise NotImplementedError

    def allows_near(self, query: SearchQuery) -> bool:
        """Whether a looser match (typos) is worth trying when the words find nothing."""
        return False

    def near(self, fetch: Fetch, query: SearchQuery, limit: int) -> list[tuple[str, float]]:
        """(sku, rank) of up to `limit` SKUs whose names are near the query's text, best first;
        only called when allows_near said so."""
        raise NotImplementedError

    def one_of(self, column: sa.ColumnElement[str], name: str) -> sa.ColumnElement[bool]:
        """`column` is one of the values of the list parameter `name` (see `list_value`)."""
        raise NotImplementedError

    def list_value(self, values: Sequence[str]) -> object:
        """A list of strings as the parameter `one_of` reads."""
        raise NotImplementedError

    def microseconds(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
        """A timestamp column as whole microseconds since 1970 (NULL stays NULL)."""
        raise NotImplementedError

    def refresh(self, conn: Connection, sku_ids: Sequence[str]) -> None:
        """Bring the index up to date with these SKUs' rows, in the caller's transaction."""


@lru_cache(maxsize=4)
def index_for(dialect: str) -> SearchIndex:
    from central.catalog.postgres import PostgresIndex
    from central.catalog.sqlite_fts import SqliteIndex

    return PostgresIndex() if dialect == "postgresql" else SqliteIndex()
