"""PostgreSQL search: the generated tsvector `skus.search_doc` under GIN, and pg_trgm word
similarity on lower(name) when the words themselves find nothing (a typo)."""

from __future__ import annotations

import threading
from collections.abc import Hashable

import sqlalchemy as sa

from central.catalog.index import Fetch, Match, SearchIndex, param
from central.catalog.morphology import forms
from central.catalog.query import SearchQuery
from central.catalog.schema import PG_TRGM_SCHEMA
from central.db.tables import skus

RUSSIAN = sa.literal_column("'russian'::regconfig")
EXACT_NAME_BONUS = 100.0
FORMS = 2  # a word and its fleeting-vowel twin (morphology.forms)
MIN_TYPO_CHARS = 4  # shorter text has too few trigrams to tell a typo from another word
# Longer text that matches nothing is more likely a whole name typed as it is printed (a model
# code that splits into other words than the name's index holds) or a combination the catalog does
# not have than a typo; and its many trigrams make a similarity read most names (~0.5 s on
# 1,000,000 SKUs). It is looked up as a name instead: equality, on the same trigram index.
MAX_TYPO_WORDS = 2
# A GIN match is read as a bitmap heap scan, block by block: reading 1,000 hits costs ~4 ms on a
# 1,000,000-SKU catalog, all 25,000 hits of a one-word query ~100 ms (bench/catalog.py).
SAMPLE = 1_000
_search_doc = sa.literal_column("skus.search_doc")
_exact = param("exact", sa.String)


def _name_key() -> sa.ColumnElement[str]:
    # Literals, not parameters: the trigram index is on exactly this expression.
    return sa.func.replace(sa.func.lower(skus.c.name), sa.literal_column("'ё'"), sa.literal_column("'е'"))


class PostgresIndex(SearchIndex):
    def __init__(self, sample: int | None = SAMPLE) -> None:
        self._trgm: str | None = None
        self._lock = threading.Lock()
        self.sample = sample

    def position(self) -> sa.ColumnElement[int]:
        return sa.literal_column("((skus.ctid::text::point)[0])::bigint", sa.BigInteger)

    def positions(self) -> sa.ColumnElement[int]:
        return sa.literal_column("(pg_relation_size('skus') / current_setting('block_size')::bigint)",
                                 sa.BigInteger)

    def text_shape(self, query: SearchQuery) -> Hashable | None:
        """How many words: each is FORMS bind parameters, so queries share few statements."""
        return len(query.words) or None

    def text_params(self, query: SearchQuery) -> dict[str, object]:
        params: dict[str, object] = {"exact": query.exact_name}
        for i, word in enumerate(query.words):
            twins = forms(word)
            # A word without a fleeting-vowel twin repeats itself: ('x' | 'x') matches as 'x' does.
            params |= {f"w{i}_{j}": twins[j % len(twins)] for j in range(FORMS)}
        return params

    def match(self, shape: Hashable) -> Match:
        assert isinstance(shape, int)
        tsquery = None
        for i in range(shape):
            either = None
            for j in range(FORMS):
                one = sa.func.plainto_tsquery(RUSSIAN, param(f"w{i}_{j}", sa.String))
                either = one if either is None else either.op("||")(one)
            tsquery = either if tsquery is None else tsquery.op("&&")(either)
        rank = sa.func.ts_rank(_search_doc, tsquery, type_=sa.Float) + sa.case(
            (_name_key() == _exact, EXACT_NAME_BONUS), else_=0.0)
        return Match(rank=rank, where=_search_doc.bool_op("@@")(tsquery))

    def one_of(self, column: sa.ColumnElement[str], ids: sa.Select) -> sa.ColumnElement[bool]:
        # = ANY(ARRAY(subquery)): the ids are read once, and the category index gives one bitmap
        # to AND with the words'; `IN (subquery)` becomes a join that scans the words' bitmap
        # once per category of the subtree.
        return column == sa.any_(sa.func.array(ids.scalar_subquery()))

    def allows_near(self, query: SearchQuery) -> bool:
        return len(query.exact_name) >= MIN_TYPO_CHARS

    def near_match(self, fetch: Fetch, text: Hashable) -> Match:
        if isinstance(text, int) and text > MAX_TYPO_WORDS:
            return Match(rank=sa.literal(1.0, sa.Float), where=_name_key() == _exact)
        trgm = self._trgm_schema(fetch)
        similar = _name_key().op(f"OPERATOR({trgm}.%>)", is_comparison=True)(_exact)
        rank = getattr(sa.func, trgm).word_similarity(_exact, _name_key(), type_=sa.Float)
        return Match(rank=rank, where=similar)

    def _trgm_schema(self, fetch: Fetch) -> str:
        with self._lock:
            if self._trgm is None:
                found = fetch(PG_TRGM_SCHEMA, {})
                self._trgm = found[0][0] if found else "public"
            return self._trgm
