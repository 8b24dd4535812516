"""What a search reads from the database, on the request's connection: the catalog's revision
and changed rows (for memory.py), the text index's answers (index.py), and per search the page's
rows with their live availability and which hits are in stock."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from central.catalog.availability import held_by_warehouse
from central.catalog.columns import Row
from central.catalog.compiled import Statements
from central.catalog.index import Batches, Fetch, SearchIndex, param
from central.catalog.query import SearchQuery
from central.db.tables import catalog_revision, categories, skus, stock
from central.db.tables import catalog_word_hits as word_table
from central.stock import available


@dataclass(frozen=True)
class Hit:
    sku: str
    name: str
    brand: str
    category_id: str | None
    price_minor: int
    held: str | None  # available units by warehouse, as availability.held_by_warehouse reads them


@dataclass(frozen=True)
class Reader:
    index: SearchIndex
    statements: Statements
    fetch: Fetch
    batches: Batches

    def revision(self) -> int:
        statement = self.statements.get("revision", lambda: sa.select(catalog_revision.c.rev)
                                        .where(catalog_revision.c.id == 1))
        found = self.fetch(statement.sql, statement.params({}))
        return int(found[0][0]) if found else 0

    def category_paths(self) -> dict[str, str]:
        statement = self.statements.get("paths", lambda: sa.select(categories.c.category_id, categories.c.path))
        return dict(self.fetch(statement.sql, statement.params({})))

    def rows_since(self, revision: int | None) -> Iterator[list[Row]]:
        """Every SKU's columns (None), or those of the SKUs changed after `revision`, in batches."""
        statement = self.statements.get(("rows", revision is None), lambda: self._rows(revision is None))
        return self.batches(statement.sql, statement.params({"revision": revision or 0}))  # type: ignore[return-value]

    def _rows(self, every: bool) -> sa.Select:
        select = sa.select(skus.c.sku, skus.c.category_id, skus.c.brand, skus.c.price_minor,
                           self.index.microseconds(skus.c.created_at))
        return select if every else select.where(skus.c.catalog_rev > param("revision", sa.BigInteger))

    def page(self, sku_ids: Sequence[str]) -> dict[str, Hit]:
        """The page's SKUs as shown, with what is available now; a SKU gone since is left out."""
        if not sku_ids:
            return {}
        statement = self.statements.get("page", lambda: sa.select(
            skus.c.sku, skus.c.name, skus.c.brand, skus.c.category_id, skus.c.price_minor,
            held_by_warehouse(skus.c.sku)).where(self.index.one_of(skus.c.sku, "skus")))
        rows = self.fetch(statement.sql, statement.params({"skus": self.index.list_value(sku_ids)}))
        return {row[0]: Hit(*row) for row in rows}

    def in_stock(self, sku_ids: Sequence[str]) -> set[str]:
        """Those of the SKUs some warehouse has units of for sale (central.stock.available)."""
        if not sku_ids:
            return set()
        statement = self.statements.get("in_stock", lambda: sa.select(stock.c.sku).distinct().where(
            self.index.one_of(stock.c.sku, "skus"), available() > 0))
        return {row[0] for row in self.fetch(statement.sql, statement.params({"skus": self.index.list_value(sku_ids)}))}

    def shared_word(self, key: Hashable) -> tuple[int, list[tuple[str, float]]] | None:
        """(revision, (sku, rank) rows) another worker listed for this word, if any."""
        statement = self.statements.get("shared_word", lambda: sa.select(
            word_table.c.revision, word_table.c.skus, word_table.c.ranks)
            .where(word_table.c.key == param("key", sa.Text)))
        found = self.fetch(statement.sql, statement.params({"key": str(key)}))
        if not found:
            return None
        revision, sku_ids, ranks = found[0]
        return int(revision), list(zip(sku_ids.split("\n") if sku_ids else [],
                                       np.frombuffer(ranks, dtype=np.float32).tolist(), strict=True))

    def share_word(self, key: Hashable, revision: int, rows: Sequence[tuple[str, float]]) -> None:
        """Offer a word's hits to the other workers (kept if no newer listing is there)."""
        statement = self.statements.get("share_word", _share_word)
        self.fetch(statement.sql, statement.params({
            "key": str(key), "revision": revision, "skus": "\n".join(sku for sku, _ in rows),
            "ranks": np.asarray([rank for _, rank in rows], dtype=np.float32).tobytes()}))

    def changed_since(self, revision: int, limit: int) -> list[str] | None:
        """The SKUs changed after `revision`; None if more than `limit`."""
        statement = self.statements.get("changed_since", lambda: sa.select(skus.c.sku).where(
            skus.c.catalog_rev > param("revision", sa.BigInteger)).limit(param("limit", sa.Integer)))
        found = self.fetch(statement.sql, statement.params({"revision": revision, "limit": limit + 1}))
        return None if len(found) > limit else [row[0] for row in found]

    def word_key(self, word: str) -> Hashable | None:
        return self.index.word_key(self.fetch, word)

    def word_skus(self, key: Hashable, among: Sequence[str] | None) -> list[tuple[str, float]]:
        return self.index.word_skus(self.fetch, key, among)

    def named(self, exact: str) -> list[str]:
        return self.index.named(self.fetch, exact)

    def near(self, query: SearchQuery, limit: int) -> list[tuple[str, float]]:
        return self.index.near(self.fetch, query, limit)


def _share_word() -> sa.Insert:
    values = {c: param(c, t) for c, t in (("key", sa.Text), ("revision", sa.BigInteger), ("skus", sa.Text),
                                          ("ranks", sa.LargeBinary))}
    insert = postgresql.insert(word_table).values(values)
    return insert.on_conflict_do_update(
        index_elements=[word_table.c.key], where=word_table.c.revision <= insert.excluded.revision,
        set_={c: insert.excluded[c] for c in ("revision", "skus", "ranks")}).returning(word_table.c.key)
