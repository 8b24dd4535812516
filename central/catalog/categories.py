"""The category tree: paths from the root (pure), and reading and writing it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from central.catalog import revision
from central.db.tables import categories
from central.db.upsert import upsert
from central.errors import InvalidRequest

MAX_DEPTH = 8


@dataclass(frozen=True)
class Category:
    category_id: str
    parent_id: str | None
    name: str
    path: str = ""


def paths(parents: Mapping[str, str | None]) -> dict[str, str]:
    """category_id -> "root/.../category_id"; refuses unknown parents and loops."""
    result: dict[str, str] = {}
    for start in parents:
        chain: list[str] = []
        node: str | None = start
        while node is not None and node not in result:
            if node not in parents:
                raise InvalidRequest(f"category {chain[-1]} has parent {node}, which does not exist; "
                                     "send the parent first or in the same batch", category_id=chain[-1])
            if node in chain or len(chain) >= MAX_DEPTH:
                raise InvalidRequest(f"category {start}: its parents form a loop or are more than "
                                     f"{MAX_DEPTH} deep", category_id=start)
            chain.append(node)
            node = parents[node]
        prefix = result[node] if node is not None else ""
        for category_id in reversed(chain):
            prefix = f"{prefix}/{category_id}" if prefix else category_id
            result[category_id] = prefix
    return result


def read_all(conn: Connection) -> list[Category]:
    rows = conn.execute(sa.select(categories.c.category_id, categories.c.parent_id, categories.c.name,
                                  categories.c.path).order_by(categories.c.path))
    return [Category(*row) for row in rows]


def write(conn: Connection, incoming: Sequence[Category], now: datetime) -> int:
    """Upsert categories; every category whose path changes (moved subtrees) is rewritten too."""
    current = {c.category_id: c for c in read_all(conn)}
    merged = current | {c.category_id: c for c in incoming}
    new_paths = paths({cid: c.parent_id for cid, c in merged.items()})
    changed = [c for cid, c in merged.items()
               if cid not in current or current[cid] != Category(c.category_id, c.parent_id, c.name, new_paths[cid])]
    rows = [{"category_id": c.category_id, "parent_id": c.parent_id, "name": c.name,
             "path": new_paths[c.category_id], "updated_at": now} for c in changed]
    # Parents first, so the foreign key on parent_id holds row by row.
    rows.sort(key=lambda r: r["path"].count("/"))
    upsert(conn, categories, rows, keys=("category_id",))
    if rows:
        revision.bump(conn)  # searches read the tree again
    return len(incoming)


def check_known(conn: Connection, category_ids: set[str]) -> None:
    known = set(conn.execute(sa.select(categories.c.category_id)
                             .where(categories.c.category_id.in_(category_ids))).scalars())
    if missing := sorted(category_ids - known):
        raise InvalidRequest(f"unknown category(ies): {', '.join(missing[:10])}; create them with "
                             "PUT /admin/categories first", categories=missing[:100])
