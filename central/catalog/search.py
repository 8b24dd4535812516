"""Search: the text match from the database's index, then filters, facets and one page of hits,
all in one statement over the same rows. Availability is not here: see availability.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog.availability import held_by_warehouse
from central.catalog.index import Match, SearchIndex
from central.catalog.query import PRICE_BAND_EDGES, SearchQuery, Sort
from central.db.tables import categories, skus, stock

HIT_COLUMNS = ("sku", "name", "brand", "category_id", "price_minor", "created_at", "rank")


@dataclass(frozen=True)
class Hit:
    sku: str
    name: str
    brand: str
    category_id: str | None
    price_minor: int
    created_at: datetime | None
    rank: float
    held: str | None  # available units by warehouse, as availability.held_by_warehouse reads them


@dataclass
class Found:
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)
    brands: dict[str, int] = field(default_factory=dict)
    price_bands: dict[int, int] = field(default_factory=dict)
    near: bool = False  # found by similarity (a typo?) rather than by the words themselves


def find(conn: Connection, index: SearchIndex, query: SearchQuery) -> Found:
    match = index.match(query)
    found = _run(conn, query, match)
    if found.total or match is None or _matches_anything(conn, match):
        return found  # found, or the filters left nothing of what the words do find
    if (near := index.near_match(query, conn)) is not None:
        found = _run(conn, query, near)
        found.near = True
    return found


def _matches_anything(conn: Connection, match: Match) -> bool:
    return conn.execute(sa.select(filtered(SearchQuery(), match).limit(1).exists())).scalar_one()


def band_of(price: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The price band's index in SQL (as query.price_band computes it)."""
    return sum((sa.case((price >= edge, 1), else_=0) for edge in PRICE_BAND_EDGES), sa.literal(0))


def filtered(query: SearchQuery, match: Match | None) -> sa.Select:
    """SKUs matching the text (all, without text) and every filter, with rank and price band."""
    # Ranking costs a pass over every hit's document: only when the order needs it.
    rank = match.rank if match is not None and query.order is Sort.relevance else sa.literal(0.0)
    # No names or texts: facets count many rows; the page looks its names up (_page).
    stmt = sa.select(*[skus.c[c] for c in HIT_COLUMNS[:-1] if c != "name"], rank.label("rank"),
                     band_of(skus.c.price_minor).label("band"))
    if match is not None and match.keys is not None:
        stmt = stmt.join_from(match.keys, skus, skus.c.sku == match.keys.c.sku)
    else:
        stmt = stmt.select_from(skus)
    if match is not None and match.where is not None:
        stmt = stmt.where(match.where)
    if query.category is not None:
        stmt = stmt.where(skus.c.category_id.in_(_subtree(query.category)))
    if query.brand is not None:
        stmt = stmt.where(skus.c.brand == query.brand)
    if query.price_min is not None:
        stmt = stmt.where(skus.c.price_minor >= query.price_min)
    if query.price_max is not None:
        stmt = stmt.where(skus.c.price_minor <= query.price_max)
    if query.in_stock:
        # A scalar subquery with LIMIT, not EXISTS: PostgreSQL turns EXISTS into a hash semi-join
        # that reads all of stock; this probes ix_stock_sku once per hit.
        held = (sa.select(sa.literal(1)).where(stock.c.sku == skus.c.sku, stock.c.on_hand > stock.c.reserved)
                .limit(1).scalar_subquery())
        stmt = stmt.where(held.is_not(None))
    return stmt


def _subtree(category_id: str) -> sa.Select:
    root = categories.alias("root")
    prefix = root.c.path + "/"
    return (sa.select(categories.c.category_id)
            .where(root.c.category_id == category_id,
                   sa.or_(categories.c.path == root.c.path,
                          sa.func.substr(categories.c.path, 1, sa.func.length(prefix)) == prefix)))


def _order(hits: sa.CTE, query: SearchQuery) -> list[sa.ColumnElement]:
    sort = query.order
    if sort is Sort.relevance and not query.words:
        sort = Sort.new  # nothing to be relevant to
    by = {Sort.relevance: [hits.c.rank.desc()], Sort.price_asc: [hits.c.price_minor.asc()],
          Sort.price_desc: [hits.c.price_minor.desc()],
          Sort.new: [hits.c.created_at.desc().nulls_last()]}[sort]
    return [*by, hits.c.sku]


def _page(hits: sa.CTE, query: SearchQuery) -> sa.Subquery:
    order = _order(hits, query)
    ranked = (sa.select(sa.func.row_number(type_=sa.Integer).over(order_by=order).label("pos"),
                        *[c for c in hits.c if c.name != "band"])
              .order_by(*order).limit(query.page_size).offset(query.offset).subquery("ranked"))
    columns = [ranked.c.pos, *[skus.c.name if c == "name" else ranked.c[c] for c in HIT_COLUMNS],
               held_by_warehouse(ranked.c.sku).label("held")]
    return sa.select(*columns).join_from(ranked, skus, skus.c.sku == ranked.c.sku).subquery("page")


def _run(conn: Connection, query: SearchQuery, match: Match | None) -> Found:
    found = Found()
    if query.words and match is None:
        return found
    hits = filtered(query, match).cte("hits")
    page = _page(hits, query)
    blanks = [sa.cast(sa.null(), c.type) for c in page.c]
    parts = [sa.select(sa.literal("total"), sa.cast(sa.null(), sa.String), sa.func.count(), *blanks)
             .select_from(hits)]
    for kind, key in (("category", hits.c.category_id), ("brand", hits.c.brand), ("band", hits.c.band)):
        parts.append(sa.select(sa.literal(kind), sa.cast(key, sa.String), sa.func.count(), *blanks)
                     .select_from(hits).group_by(key))
    parts.append(sa.select(sa.literal("hit"), sa.cast(sa.null(), sa.String),
                           sa.cast(sa.null(), sa.BigInteger), *page.c))
    placed: list[tuple[int, Hit]] = []
    for kind, key, n, pos, *hit in conn.execute(sa.union_all(*parts)):
        if kind == "hit":
            placed.append((pos, Hit(*hit)))
        elif kind == "total":
            found.total = n
        elif kind == "category":
            if key is not None:
                found.categories[key] = n
        elif kind == "brand":
            found.brands[key] = n
        else:
            found.price_bands[int(key)] = n
    found.hits = [hit for _, hit in sorted(placed, key=lambda p: p[0])]
    return found
