"""Search: the text match from the database's index, then filters, facets and one page of hits,
all in one statement over the same rows. Availability is not here: see availability.py.

Broad words match a large share of a big catalog (a product noun: 25,000 of 1,000,000 SKUs), and
reading every hit's row costs ~100 ms whatever the page shows. Where the index says so
(`SearchIndex.sample`), the total and facet counts are therefore exact up to that many hits and
estimated past it from the first hits in storage order, scaled by how far into storage they reach
(`exact` false says so), and relevance ranks those first hits; sorting by price or novelty still
orders every hit (by index), and so does relevance past the sample's pages.

Statements are built per shape (which words, filters and order a query has, not their values),
with named bind parameters, so each shape is compiled once (compiled.py). Facet counts are served
from the worker's FacetCache when a fresh entry is there, with the order of the pages asked for
since; the page's SKUs, with their live availability, are read every time.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field, replace

import sqlalchemy as sa

from central.catalog.availability import held_by_warehouse
from central.catalog.compiled import Statements
from central.catalog.facet_cache import FacetCache, Facets
from central.catalog.index import Fetch, Match, SearchIndex, param
from central.catalog.query import PRICE_BAND_EDGES, SearchQuery, Sort
from central.db.tables import categories, skus, stock
from central.stock import available

FACETS = ("category", "brand", "band")
PRICE_CEILING = 2**63 - 1


@dataclass(frozen=True)
class Hit:
    sku: str
    name: str
    brand: str
    category_id: str | None
    price_minor: int
    held: str | None  # available units by warehouse, as availability.held_by_warehouse reads them


@dataclass
class Found:
    facets: Facets
    hits: list[Hit] = field(default_factory=list)


@dataclass(frozen=True)
class Shape:
    """What decides a search statement's SQL text: the index's text shape and which filters are set."""

    text: Hashable | None
    near: bool = False  # the index's looser match instead of the words
    category: bool = False
    brand: bool = False
    in_stock: bool = False
    order: Sort = Sort.new
    sampled: bool = False  # counts from the first index.sample hits (and the relevance page, if in them)
    deep: bool = False  # a relevance page past the sample: ranked over every hit


@dataclass(frozen=True)
class Search:
    """One search's collaborators: the index, its compiled statements, the facet cache, and how
    to run a statement on this request's connection."""

    index: SearchIndex
    statements: Statements
    cache: FacetCache
    fetch: Fetch


def find(search: Search, query: SearchQuery) -> Found:
    key = facet_key(query)
    generation = search.cache.generation
    where = (query.order, query.page, query.page_size)
    if key is not None and (cached := search.cache.get(key)) is not None:
        if (ordered := search.cache.page(key, where)) is not None:
            return Found(cached, _by_sku(search, ordered))
        found = Found(cached, _hits(search, query, cached.near, few=cached.exact))
    else:
        found = _count_and_page(search, query, near=False)
        if _worth_a_near_match(search, query, found):
            found = _count_and_page(search, query, near=True)
        if key is not None:
            search.cache.put(key, found.facets, generation)
    if key is not None:
        search.cache.put_page(key, where, tuple(hit.sku for hit in found.hits), generation)
    return found


def _worth_a_near_match(search: Search, query: SearchQuery, found: Found) -> bool:
    """Nothing found, and not because of the filters: the words find nothing at all (a typo?)."""
    return (not found.facets.total and search.index.text_shape(query) is not None
            and search.index.allows_near(query) and not (_narrowed(query) and _matches_anything(search, query)))


def _narrowed(query: SearchQuery) -> bool:
    """Whether anything beside the words narrows the search (else the words alone found nothing,
    and asking them again costs a scan: the database expects common words to meet soon)."""
    return (query.category is not None or query.brand is not None or query.price_min is not None
            or query.price_max is not None or query.in_stock)


def facet_key(query: SearchQuery) -> Hashable | None:
    """What the facet counts depend on; None when they depend on stock (in_stock) too."""
    if query.in_stock:
        return None
    return (query.exact_name, query.category, query.brand, query.price_min, query.price_max)


def shape_of(query: SearchQuery, index: SearchIndex, near: bool = False, few: bool = False) -> Shape:
    """`few`: the hits are known to be no more than index.sample (nothing to sample)."""
    text = index.text_shape(query)
    order = query.order
    if order is Sort.relevance and text is None:
        order = Sort.new  # nothing to be relevant to
    # Only a text match is sampled: it is read in storage order (a bitmap of the index's hits),
    # where filters alone may be read in an index's order, which a prefix would not represent.
    sampled = index.sample is not None and (text is not None or near) and not few
    deep = sampled and order is Sort.relevance and query.offset + query.page_size > (index.sample or 0)
    return Shape(text=text, near=near, category=query.category is not None, brand=query.brand is not None,
                 in_stock=query.in_stock, order=order, sampled=sampled, deep=deep)


def params_of(query: SearchQuery, index: SearchIndex) -> dict[str, object]:
    return index.text_params(query) | {
        "category": query.category, "brand": query.brand,
        "price_min": 0 if query.price_min is None else query.price_min,
        "price_max": PRICE_CEILING if query.price_max is None else query.price_max,
        "limit": query.page_size, "offset": query.offset,
        "sample": (index.sample or 0) + 1}  # one past: a full sample is told from exactly `sample` hits


def _match(search: Search, shape: Shape) -> Match | None:
    if shape.near:
        return search.index.near_match(search.fetch, shape.text)
    return None if shape.text is None else search.index.match(shape.text)


def _count_and_page(search: Search, query: SearchQuery, near: bool) -> Found:
    shape = shape_of(query, search.index, near)
    statement = search.statements.get(
        ("facets", shape), lambda: facets_and_page(shape, _match(search, shape), search.index))
    counts: dict[str, dict[str, int]] = {kind: {} for kind in FACETS}
    counted, estimate, placed = 0, None, []
    for kind, key, n, pos, *hit in search.fetch(statement.sql, statement.params(params_of(query, search.index))):
        if kind == "hit":
            placed.append((pos, Hit(*hit)))
        elif kind == "total":
            counted, estimate = n, pos
        elif key is not None:  # uncategorised SKUs: no category bucket
            counts[kind][key] = n
    exact = estimate is None or counted <= (search.index.sample or 0)
    total = counted if exact else max(int(estimate), counted)
    scale = (lambda n: n) if exact else (lambda n: max(1, round(n * total / counted)))
    facets = Facets(total=total, categories={k: scale(n) for k, n in counts["category"].items()},
                    brands={k: scale(n) for k, n in counts["brand"].items()},
                    price_bands={int(band): scale(n) for band, n in counts["band"].items()}, near=near, exact=exact)
    return Found(facets, [hit for _, hit in sorted(placed, key=lambda p: p[0])])


def _hits(search: Search, query: SearchQuery, near: bool, few: bool) -> list[Hit]:
    shape = shape_of(query, search.index, near, few)
    statement = search.statements.get(("page", shape), lambda: page_only(shape, _match(search, shape), search.index))
    return [Hit(*row) for row in search.fetch(statement.sql, statement.params(params_of(query, search.index)))]


def _by_sku(search: Search, ordered: tuple[str, ...]) -> list[Hit]:
    """A cached page: its SKUs read now, in the cached order (one deleted since is left out)."""
    if not ordered:
        return []
    statement = search.statements.get(("skus", len(ordered)), lambda: _rows_of(len(ordered)))
    found = {row[0]: Hit(*row) for row in
             search.fetch(statement.sql, statement.params({f"sku{i}": sku for i, sku in enumerate(ordered)}))}
    return [found[sku] for sku in ordered if sku in found]


def _rows_of(count: int) -> sa.Select:
    return (sa.select(skus.c.sku, skus.c.name, skus.c.brand, skus.c.category_id, skus.c.price_minor,
                      held_by_warehouse(skus.c.sku).label("held"))
            .where(skus.c.sku.in_([param(f"sku{i}", sa.String) for i in range(count)])))


def _matches_anything(search: Search, query: SearchQuery) -> bool:
    shape = Shape(text=search.index.text_shape(query))
    statement = search.statements.get(("any", shape), lambda: sa.select(
        filtered(shape, _match(search, shape), search.index).limit(1).exists()))
    unfiltered = params_of(SearchQuery(text=query.text), search.index)
    return bool(search.fetch(statement.sql, statement.params(unfiltered))[0][0])


# ---------------------------------------------------------------- statements by shape


def band_of(price: sa.ColumnElement[int]) -> sa.ColumnElement[int]:
    """The price band's index in SQL (as query.price_band computes it)."""
    return sum((sa.case((price >= edge, 1), else_=0) for edge in PRICE_BAND_EDGES), sa.literal(0))


def filtered(shape: Shape, match: Match | None, index: SearchIndex, positioned: bool = False) -> sa.Select:
    """SKUs matching the text (all, without text) and every filter, with rank and price band
    (and storage position, if asked)."""
    # Ranking costs a pass over every hit's document: only when the order needs it.
    rank = match.rank if match is not None and shape.order is Sort.relevance else sa.literal(0.0)
    # No names or texts: facets count many rows; the page looks its names up (_page).
    columns = [skus.c.sku, skus.c.brand, skus.c.category_id, skus.c.price_minor, skus.c.created_at,
               rank.label("rank"), band_of(skus.c.price_minor).label("band"),
               # Sorting by price sorts by this: price + 0, never walked in the price index's order
               # (price follows the words, a noun being a category, so walking the index from the
               # top and filtering by words reads most of the catalog before the 20 cheapest socks).
               (skus.c.price_minor + 0).label("price_key")]
    stmt = sa.select(*columns, *([index.position().label("position")] if positioned else []))
    if match is not None and match.keys is not None:
        stmt = stmt.join_from(match.keys, skus, skus.c.sku == match.keys.c.sku)
    else:
        stmt = stmt.select_from(skus)
    if match is not None and match.where is not None:
        stmt = stmt.where(match.where)
    category, price = skus.c.category_id, skus.c.price_minor
    if positioned:
        # A sample must be read in storage order: as a bitmap (the words', ANDed with the brand
        # index's) or a brand index scan, whose equal keys are in storage order. Walking the
        # price or category index would give a prefix in price or category order: these
        # expressions are not indexed.
        category, price = category + "", price + 0
    if shape.category:
        stmt = stmt.where(index.one_of(category, _subtree(param("category", sa.String))))
    if shape.brand:
        stmt = stmt.where(skus.c.brand == param("brand", sa.String))
    # The price range is always there (0 to PRICE_CEILING when not asked): one statement less per filter.
    stmt = stmt.where(price.between(param("price_min", sa.BigInteger), param("price_max", sa.BigInteger)))
    if shape.in_stock:
        stmt = stmt.where(_held(skus.c.sku))
    return stmt


def _held(sku: sa.ColumnElement[str]) -> sa.ColumnElement[bool]:
    """Some warehouse has units of `sku` for sale (central.stock.available)."""
    # A scalar subquery with LIMIT, not EXISTS: PostgreSQL turns EXISTS into a hash semi-join
    # that reads all of stock; this probes ix_stock_sku once per hit.
    return (sa.select(sa.literal(1)).where(stock.c.sku == sku, available() > 0)
            .limit(1).scalar_subquery()).is_not(None)


def _every_hit(shape: Shape, match: Match | None, index: SearchIndex) -> sa.Subquery:
    """Every hit, for a page ordered over all of them. In stock is asked of hits in the page's
    order, as they are taken (OFFSET 0 keeps the database from asking it of every hit first):
    a page of 20 probes stock ~20 times, not 25,000."""
    if not shape.in_stock:
        return filtered(shape, match, index).subquery("hits")
    every = filtered(replace(shape, in_stock=False), match, index).subquery("every")
    ordered = sa.select(every).order_by(*_order(every, shape.order)).offset(0).subquery("ordered")
    return sa.select(ordered).where(_held(ordered.c.sku)).subquery("hits")


def _subtree(category_id: sa.BindParameter[str]) -> sa.Select:
    root = categories.alias("root")
    prefix = root.c.path + "/"
    return (sa.select(categories.c.category_id)
            .where(root.c.category_id == category_id,
                   sa.or_(categories.c.path == root.c.path,
                          sa.func.substr(categories.c.path, 1, sa.func.length(prefix)) == prefix)))


def _order(hits: sa.CTE | sa.Subquery, order: Sort) -> list[sa.ColumnElement]:
    price = hits.c.price_key
    by = {Sort.relevance: [hits.c.rank.desc()], Sort.price_asc: [price.asc()], Sort.price_desc: [price.desc()],
          Sort.new: [hits.c.created_at.desc().nulls_last()]}[order]
    return [*by, hits.c.sku]


def _page(hits: sa.CTE | sa.Subquery, order: Sort) -> sa.Subquery:
    """One page of hits: position, the hit's columns, and its available units (read live)."""
    # LIMIT first, numbered after: the database keeps only the top rows of every hit (a top-N
    # heap) instead of sorting them all for row_number.
    top = (sa.select(hits.c.sku, hits.c.brand, hits.c.category_id, hits.c.price_minor, hits.c.created_at,
                     hits.c.rank, hits.c.price_key)
           .order_by(*_order(hits, order)).limit(param("limit", sa.Integer))
           .offset(param("offset", sa.Integer)).subquery("top"))
    ranked = sa.select(sa.func.row_number(type_=sa.Integer).over(order_by=_order(top, order)).label("pos"),
                       top.c.sku, top.c.brand, top.c.category_id, top.c.price_minor).subquery("ranked")
    return (sa.select(ranked.c.pos, ranked.c.sku, skus.c.name, ranked.c.brand, ranked.c.category_id,
                      ranked.c.price_minor, held_by_warehouse(ranked.c.sku).label("held"))
            .join_from(ranked, skus, skus.c.sku == ranked.c.sku).subquery("page"))


def _sample(shape: Shape, match: Match | None, index: SearchIndex) -> sa.Select:
    """The first `sample` + 1 hits in storage order, with their positions."""
    return filtered(shape, match, index, positioned=True).limit(param("sample", sa.Integer))


def _counted(shape: Shape, match: Match | None, index: SearchIndex) -> sa.Select:
    """The hits the counts are taken over: every hit, or the sample."""
    return _sample(shape, match, index) if shape.sampled else filtered(shape, match, index)


def _from_sample(shape: Shape) -> bool:
    """Whether a sampled search takes its page from the sample: a relevance page within it.
    Price and novelty order every hit (as does relevance past the sample), which costs reading
    every hit: a sample that holds them all is read instead."""
    return shape.order is Sort.relevance and not shape.deep


def page_only(shape: Shape, match: Match | None, index: SearchIndex) -> sa.Select:
    if shape.sampled and _from_sample(shape):
        hits = _sample(shape, match, index).subquery("counted")
    else:
        hits = _every_hit(shape, match, index)
    page = _page(hits, shape.order)
    return sa.select(*[c for c in page.c if c.name != "pos"]).order_by(page.c.pos)


def _page_rows(shape: Shape, match: Match | None, index: SearchIndex, counted: sa.CTE) -> list[sa.Select]:
    """The page's rows (pos, *hit) for facets_and_page: from the counted hits, or (a sample
    that is not the page's source) from the sample if it turned out to hold every hit, else
    from every hit. The two are guarded by one condition the database evaluates once, so
    only one is read."""
    if not shape.sampled or _from_sample(shape):
        return [sa.select(*_page(counted, shape.order).c)]
    everything = sa.select(sa.func.count()).select_from(counted).scalar_subquery() < param("sample", sa.Integer)
    within = _page(counted, shape.order)
    beyond = _page(_every_hit(shape, match, index), shape.order)
    return [sa.select(*within.c).where(everything), sa.select(*beyond.c).where(sa.not_(everything))]


def _total(counted: sa.CTE, index: SearchIndex, sampled: bool) -> tuple[sa.ColumnElement, sa.ColumnElement]:
    """(hits counted, estimated total or NULL): a full sample's count scaled by how much of
    storage its positions span (hits are spread through storage as SKUs were added)."""
    n = sa.func.count()
    if not sampled:
        return n, sa.cast(sa.null(), sa.BigInteger)
    return n, sa.cast(n * index.positions() / (sa.func.max(counted.c.position) + 1), sa.BigInteger)


def facets_and_page(shape: Shape, match: Match | None, index: SearchIndex) -> sa.CompoundSelect:
    """Rows (kind, key, count, pos, *hit): the total (pos: its estimate when sampled), one per
    facet bucket, one per hit of the page."""
    hits = _counted(shape, match, index).cte("counted")
    pages = _page_rows(shape, match, index, hits)
    blanks = [sa.cast(sa.null(), c.type) for c in pages[0].selected_columns]
    n, estimate = _total(hits, index, shape.sampled)
    parts = [sa.select(sa.literal("total"), sa.cast(sa.null(), sa.String), n, estimate, *blanks[1:])
             .select_from(hits)]
    for kind, key in zip(FACETS, (hits.c.category_id, hits.c.brand, hits.c.band), strict=True):
        parts.append(sa.select(sa.literal(kind), sa.cast(key, sa.String), sa.func.count(), *blanks)
                     .select_from(hits).group_by(key))
    for page in pages:
        rows = page.subquery("page")
        parts.append(sa.select(sa.literal("hit"), sa.cast(sa.null(), sa.String),
                               sa.cast(sa.null(), sa.BigInteger), *rows.c))
    return sa.union_all(*parts)
