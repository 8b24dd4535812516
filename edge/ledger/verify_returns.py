"""`verify` for customer returns: what each line says was received and inspected equals the
movements that carry the return's name."""

from __future__ import annotations

import sqlite3

from sync.feed import return_id_of

COUNTED = {"return": "received", "restock": "restocked", "quarantine": "quarantined", "dispose": "disposed"}


def _outcome(kind: str, reason: str) -> str:
    return "return" if kind == "return" else reason.split(": ")[1]


def check_returns(conn: sqlite3.Connection, problems: list[str]) -> None:
    moved: dict[tuple[str, str, str], int] = {}
    for kind, sku, qty, reason in conn.execute(
            "SELECT kind, sku, qty, reason FROM movements WHERE reason LIKE 'return %'"):
        key = (return_id_of(reason), sku, COUNTED.get(_outcome(kind, reason), "?"))
        moved[key] = moved.get(key, 0) + qty
    for return_id, sku, *counts in conn.execute(
            "SELECT return_id, sku, received, restocked, quarantined, disposed FROM return_lines"):
        for column, count in zip(COUNTED.values(), counts, strict=True):
            if moved.get((return_id, sku, column), 0) != count:
                problems.append(f"return {return_id} {sku}: {column} {count} but its movements sum to "
                                f"{moved.get((return_id, sku, column), 0)}")
