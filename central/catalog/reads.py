"""What a search reads from the database, on the request's connection: the catalog's revision
and changed rows (for memory.py), the text index's answers (index.py), and per search the page's
rows with their live availability and which hits are in stock."""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from central.catalog.availability import held_by_warehouse
from central.catalog.columns import Row
from central.catalog.compiled import Statements
from central.catalog.index import Batches, Fetch, SearchIndex, param
from central.catalog.query import SearchQuery
from central.db.tables import catalog_revision, categories, skus, stock
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

    def word_key(self, word: str) -> Hashable | None:
        return self.index.word_key(self.fetch, word)

    def word_skus(self, key: Hashable, among: Sequence[str] | None) -> list[tuple[str, float]]:
        return self.index.word_skus(self.fetch, key, among)

    def named(self, exact: str) -> list[str]:
        return self.index.named(self.fetch, exact)

    def near(self, query: SearchQuery, limit: int) -> list[tuple[str, float]]:
        return self.index.near(self.fetch, query, limit)
