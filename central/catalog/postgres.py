"""PostgreSQL search: the generated tsvector `skus.search_doc` under GIN, and pg_trgm word
similarity on lower(name) when the words themselves find nothing (a typo).

A word's key is its tsquery as PostgreSQL prints it (the word and its fleeting-vowel twin,
stemmed by the Russian configuration), so the words a customer types in different forms share
one list of hits; the key is cast back to a tsquery unchanged when the index is asked.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY

from central.catalog.index import Fetch, SearchIndex, param
from central.catalog.morphology import forms
from central.catalog.query import SearchQuery
from central.catalog.schema import PG_TRGM_SCHEMA

MIN_TYPO_CHARS = 4  # shorter text has too few trigrams to tell a typo from another word
# Longer text that matches nothing is more likely a whole name typed as it is printed (a model
# code that splits into other words than the name's index holds) or a combination the catalog does
# not have than a typo; and its many trigrams make a similarity read most names (~0.5 s on
# 1,000,000 SKUs). It is looked up as a name instead: equality, on the whole-name index.
MAX_TYPO_WORDS = 2
MAX_KEYS = 100_000  # words whose key is remembered; a bound, not a tuning knob
NAME_KEY = "replace(lower(name), 'ё', 'е')"  # exactly the expression ix_skus_name_key and the trigram index are on

WORD_KEY = ("SELECT (plainto_tsquery('russian', %(form0)s) || plainto_tsquery('russian', %(form1)s))::text")
# The hit's row is read anyway (a bitmap heap scan), so its rank costs little more.
WORD_SKUS = "SELECT sku, ts_rank(search_doc, q) FROM skus, CAST(%(key)s AS tsquery) AS q WHERE search_doc @@ q"
WORD_SKUS_AMONG = WORD_SKUS + " AND sku = ANY(%(among)s)"
NAMED = f"SELECT sku FROM skus WHERE {NAME_KEY} = %(exact)s"
NEAR_BY_NAME = f"SELECT sku, 1.0 FROM skus WHERE {NAME_KEY} = %(exact)s ORDER BY sku LIMIT %(limit)s"
NEAR_BY_SIMILARITY = ("SELECT sku, {trgm}.word_similarity(%(exact)s, {key}) AS similarity FROM skus"
                      " WHERE {key} OPERATOR({trgm}.%%>) %(exact)s ORDER BY similarity DESC, sku LIMIT %(limit)s")


class PostgresIndex(SearchIndex):
    def __init__(self) -> None:
        self._trgm: str | None = None
        self._keys: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def word_key(self, fetch: Fetch, word: str) -> Hashable | None:
        if word in self._keys:
            return self._keys[word]
        twins = forms(word)
        key = fetch(WORD_KEY, {"form0": twins[0], "form1": twins[-1]})[0][0] or None  # '': a stop word
        with self._lock:
            if len(self._keys) >= MAX_KEYS:
                self._keys.clear()
            self._keys[word] = key
        return key

    def word_skus(self, fetch: Fetch, key: Hashable, among: Sequence[str] | None) -> list[tuple[str, float]]:
        if among is None:
            return fetch(WORD_SKUS, {"key": key})
        return fetch(WORD_SKUS_AMONG, {"key": key, "among": list(among)}) if among else []

    def named(self, fetch: Fetch, exact: str) -> list[str]:
        return [row[0] for row in fetch(NAMED, {"exact": exact})]

    def allows_near(self, query: SearchQuery) -> bool:
        return len(query.exact_name) >= MIN_TYPO_CHARS

    def near(self, fetch: Fetch, query: SearchQuery, limit: int) -> list[tuple[str, float]]:
        args = {"exact": query.exact_name, "limit": limit}
        if len(query.words) > MAX_TYPO_WORDS:
            return [(sku, float(rank)) for sku, rank in fetch(NEAR_BY_NAME, args)]
        sql = NEAR_BY_SIMILARITY.format(trgm=self._trgm_schema(fetch), key=NAME_KEY)
        return [(sku, float(rank)) for sku, rank in fetch(sql, args)]

    def one_of(self, column: sa.ColumnElement[str], name: str) -> sa.ColumnElement[bool]:
        return column == sa.any_(param(name, ARRAY(sa.String)))

    def list_value(self, values: Sequence[str]) -> object:
        return list(values)

    def microseconds(self, column: sa.ColumnElement[Any]) -> sa.ColumnElement[int]:
        return sa.cast(sa.extract("epoch", column) * 1_000_000, sa.BigInteger)

    def _trgm_schema(self, fetch: Fetch) -> str:
        with self._lock:
            if self._trgm is None:
                found = fetch(PG_TRGM_SCHEMA, {})
                self._trgm = found[0][0] if found else "public"
            return self._trgm
