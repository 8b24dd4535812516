"""SQL for the hot path, one small repository per aggregate, all sharing the writer's cursor.

These use the DBAPI cursor directly rather than SQLAlchemy Core: a pick confirmation runs about
ten statements and the group-commit writer must sustain >10,000 confirmations a second; Core's
per-statement compile/execute overhead would cost more than SQLite itself. The schema and its
migrations are managed by SQLAlchemy/Alembic (see database.py).
"""

from __future__ import annotations

import sqlite3
from datetime import date
from functools import cache

from edge.domain.model import Location, Stock
from edge.errors import Conflict, NotFound


@cache
def _update_sql(table: str, columns: tuple[str, ...], where: tuple[str, ...], increment: bool = False,
                stamp: bool = True) -> str:
    """UPDATE text for a set of columns, built once per shape: these run on every pick."""
    sets = [f"{c} = {c} + ?" if increment else f"{c} = ?" for c in columns]
    if stamp:
        sets.append("updated_at = ?")
    return f"UPDATE {table} SET {', '.join(sets)} WHERE {' AND '.join(f'{w} = ?' for w in where)}"


def _loc(row) -> Location:
    return Location(row[0], row[1], row[2], row[3], row[4], row[5])


class Catalog:
    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur

    def resolve(self, code: str) -> str:
        """A SKU code or any of its barcodes -> the SKU."""
        row = self.cur.execute(
            "SELECT sku FROM skus WHERE sku = ? UNION ALL SELECT sku FROM barcodes WHERE code = ? LIMIT 1",
            (code, code),
        ).fetchone()
        if row is None:
            raise NotFound(f"item {code!r} is not in the catalog: scan the product barcode again")
        return row[0]

    def lot_tracked(self, sku: str) -> bool:
        row = self.cur.execute("SELECT lot_tracked FROM skus WHERE sku = ?", (sku,)).fetchone()
        if row is None:
            raise NotFound(f"SKU {sku!r} is not in the catalog")
        return bool(row[0])

    def unit_weight_g(self, sku: str) -> int:
        row = self.cur.execute("SELECT unit_weight_g FROM skus WHERE sku = ?", (sku,)).fetchone()
        return row[0] if row else 0

    def upsert(self, sku: str, name: str, gtins, weight: int, lot_tracked: bool, at: str) -> None:
        self.cur.execute(
            "INSERT INTO skus(sku, name, unit_weight_g, lot_tracked, updated_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(sku) DO UPDATE SET name=excluded.name, unit_weight_g=excluded.unit_weight_g, "
            "lot_tracked=excluded.lot_tracked, updated_at=excluded.updated_at",
            (sku, name, weight, int(lot_tracked), at),
        )
        for code in gtins:
            owner = self.cur.execute("SELECT sku FROM barcodes WHERE code = ?", (code,)).fetchone()
            if owner and owner[0] != sku:
                raise Conflict(f"barcode {code} already belongs to SKU {owner[0]}, not {sku}")
            self.cur.execute("INSERT OR IGNORE INTO barcodes(code, sku) VALUES (?,?)", (code, sku))

    def record_lot(self, sku: str, lot: str, expiry: date | None) -> None:
        row = self.cur.execute("SELECT expiry FROM lots WHERE sku = ? AND lot = ?", (sku, lot)).fetchone()
        iso = expiry.isoformat() if expiry else None
        if row is None:
            self.cur.execute("INSERT INTO lots(sku, lot, expiry) VALUES (?,?,?)", (sku, lot, iso))
        elif iso and row[0] and row[0] != iso:
            raise Conflict(f"lot {lot} of {sku} was received with expiry {row[0]}, not {iso}")


class Locations:
    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur
        self._cache: dict[str, Location] = {}

    def get(self, code: str, what: str = "location") -> Location:
        loc = self._cache.get(code)
        if loc is None:
            row = self.cur.execute(
                "SELECT code, zone, type, x, y, capacity FROM locations WHERE code = ?", (code,)
            ).fetchone()
            if row is None:
                raise NotFound(f"{what} {code!r} does not exist in this warehouse")
            loc = self._cache[code] = _loc(row)
        return loc

    def of_type(self, *types: str) -> list[Location]:
        marks = ",".join("?" * len(types))
        rows = self.cur.execute(
            f"SELECT code, zone, type, x, y, capacity FROM locations WHERE type IN ({marks})", types
        ).fetchall()
        return [_loc(r) for r in rows]



class Balances:
    """Balances per (sku, location, lot), changed only together with a movement."""

    def __init__(self, cur: sqlite3.Cursor, locations: Locations):
        self.cur, self.locations = cur, locations

    def get(self, sku: str, location: str, lot: str) -> tuple[int, int]:
        row = self.cur.execute(
            "SELECT on_hand, allocated FROM balances WHERE sku = ? AND location = ? AND lot = ?",
            (sku, location, lot),
        ).fetchone()
        return (row[0], row[1]) if row else (0, 0)

    def change(self, sku: str, location: str, lot: str, on_hand: int, allocated: int = 0) -> None:
        if on_hand < 0 or not 0 <= allocated <= on_hand:
            # SQLite checks CHECK constraints on the row an upsert would insert, so anything but a
            # plain increment is an update: the row must exist, and the constraints guard the result.
            updated = self.cur.execute(
                "UPDATE balances SET on_hand = on_hand + ?, allocated = allocated + ? "
                "WHERE sku = ? AND location = ? AND lot = ?", (on_hand, allocated, sku, location, lot),
            ).rowcount
            if not updated:
                raise Conflict(f"{location} holds no {sku}{' lot ' + lot if lot else ''}")
            return
        self.cur.execute(
            "INSERT INTO balances(sku, location, lot, on_hand, allocated) VALUES (?,?,?,?,?) "
            "ON CONFLICT(sku, location, lot) DO UPDATE SET on_hand = on_hand + excluded.on_hand, "
            "allocated = allocated + excluded.allocated",
            (sku, location, lot, on_hand, allocated),
        )

    def lots_at(self, sku: str, location: str) -> list[tuple[str, int, int]]:
        return self.cur.execute(
            "SELECT lot, on_hand, allocated FROM balances WHERE sku = ? AND location = ? AND on_hand > 0",
            (sku, location),
        ).fetchall()

    def in_location(self, location: str) -> list[tuple[str, str, int, int]]:
        return self.cur.execute(
            "SELECT sku, lot, on_hand, allocated FROM balances WHERE location = ? AND on_hand > 0",
            (location,),
        ).fetchall()

    def candidates(self, sku: str, exclude: set[str] = frozenset()) -> list[Stock]:
        rows = self.cur.execute(
            "SELECT b.location, b.lot, l.expiry, b.on_hand, b.allocated FROM balances b "
            "LEFT JOIN lots l ON l.sku = b.sku AND l.lot = b.lot "
            "WHERE b.sku = ? AND b.on_hand > b.allocated AND NOT EXISTS ("
            " SELECT 1 FROM tasks t WHERE t.kind = 'count' AND t.state = 'open' AND t.location = b.location)",
            (sku,),
        ).fetchall()
        return [
            Stock(self.locations.get(r[0]), sku, r[1], date.fromisoformat(r[2]) if r[2] else None, r[3], r[4])
            for r in rows if r[0] not in exclude
        ]


class Movements:
    """The append-only movement log; `seq` is assigned here, gap-free, in commit order.

    Rows are buffered during a batch and written with one executemany before COMMIT: nothing reads
    a batch's own movements back except `packed_for`, which flushes first.
    """

    COLUMNS = ("seq", "id", "at", "kind", "sku", "lot", "qty", "from_location", "to_location",
               "order_ref", "shipment_ref", "task_ref", "operator", "device", "reason", "idem_key")
    INSERT = f"INSERT INTO movements({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur
        self.pending: list[tuple] = []
        self.reload()

    def reload(self) -> None:
        self.pending.clear()
        self.last_seq = self.cur.execute("SELECT COALESCE(MAX(seq), 0) FROM movements").fetchone()[0]

    def packed_for(self, shipment_id: str) -> list[tuple[str, str, int]]:
        self.flush()
        return self.cur.execute(
            "SELECT sku, lot, SUM(qty) FROM movements WHERE shipment_ref = ? AND kind = 'pack' "
            "GROUP BY sku, lot", (shipment_id,),
        ).fetchall()

    def append(self, row: tuple) -> int:
        self.last_seq += 1
        self.pending.append((self.last_seq, *row))
        return self.last_seq

    def mark(self) -> tuple[int, int]:
        return self.last_seq, len(self.pending)

    def undo_to(self, mark: tuple[int, int]) -> None:
        self.last_seq, kept = mark
        del self.pending[kept:]

    def flush(self) -> None:
        if self.pending:
            self.cur.executemany(self.INSERT, self.pending)
            self.pending.clear()


class Tasks:
    FIELDS = "id, kind, state, shipment_id, sku, lot, qty, done_qty, location, tote, assignee"

    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur.connection.cursor()
        self.cur.row_factory = sqlite3.Row  # rows read like dicts, built in C

    def get(self, task_id: int) -> sqlite3.Row:
        row = self.cur.execute(f"SELECT {self.FIELDS} FROM tasks WHERE id = ?", (task_id,)).fetchone()
        if row is None:
            raise NotFound(f"task {task_id} does not exist")
        return row

    def create(self, kind: str, at: str, state: str = "open", **values) -> int:
        cols = ["kind", "state", "created_at", "updated_at", *values]
        self.cur.execute(
            f"INSERT INTO tasks({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (kind, state, at, at, *values.values()),
        )
        return self.cur.lastrowid

    def update(self, task_id: int, at: str, **values) -> None:
        self.cur.execute(_update_sql("tasks", tuple(values), ("id",)), (*values.values(), at, task_id))

    def current_for(self, operator: str) -> sqlite3.Row | None:
        return self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE assignee = ? AND state = 'assigned' "
            "ORDER BY path_seq, id LIMIT 1", (operator,),
        ).fetchone()

    def next_open(self, kind: str = "pick") -> sqlite3.Row | None:
        """The oldest open task: shipments are worked first come, first served."""
        return self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE state = 'open' AND kind = ? ORDER BY id LIMIT 1", (kind,),
        ).fetchone()

    def close_counts(self, location: str, sku: str, at: str) -> None:
        self.cur.execute(
            "UPDATE tasks SET state = 'done', updated_at = ? "
            "WHERE kind = 'count' AND state = 'open' AND location = ? AND sku = ?", (at, location, sku),
        )

    def open_for_shipment(self, shipment_id: str) -> list[sqlite3.Row]:
        rows = self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE shipment_id = ? AND state IN ('open', 'assigned')",
            (shipment_id,),
        ).fetchall()
        return rows


class Shipments:
    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur

    def get(self, shipment_id: str) -> dict:
        row = self.cur.execute(
            "SELECT id, order_id, status, tote, packed_at FROM shipments WHERE id = ?", (shipment_id,)
        ).fetchone()
        if row is None:
            raise NotFound(f"shipment {shipment_id!r} is not known to this warehouse")
        return dict(zip(("id", "order_id", "status", "tote", "packed_at"), row, strict=True))

    def exists(self, shipment_id: str) -> bool:
        return self.cur.execute("SELECT 1 FROM shipments WHERE id = ?", (shipment_id,)).fetchone() is not None

    def create(self, shipment_id: str, order_id: str, pickup_point: str | None, at: str) -> None:
        self.cur.execute(
            "INSERT INTO shipments(id, order_id, status, pickup_point, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?)", (shipment_id, order_id, "allocating", pickup_point, at, at),
        )

    def set(self, shipment_id: str, at: str, **values) -> None:
        self.cur.execute(_update_sql("shipments", tuple(values), ("id",)), (*values.values(), at, shipment_id))

    def lines(self, shipment_id: str) -> list[dict]:
        cols = ("sku", "qty", "allocated", "picked", "short", "packed", "shipped")
        rows = self.cur.execute(
            f"SELECT {', '.join(cols)} FROM shipment_lines WHERE shipment_id = ? ORDER BY sku", (shipment_id,)
        ).fetchall()
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def add_line(self, shipment_id: str, sku: str, qty: int) -> None:
        self.cur.execute("INSERT INTO shipment_lines(shipment_id, sku, qty) VALUES (?,?,?)", (shipment_id, sku, qty))

    def bump_line(self, shipment_id: str, sku: str, **deltas: int) -> None:
        sql = _update_sql("shipment_lines", tuple(deltas), ("shipment_id", "sku"), increment=True, stamp=False)
        self.cur.execute(sql, (*deltas.values(), shipment_id, sku))


class Totes:
    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur

    def shipment_of(self, tote: str) -> str | None:
        row = self.cur.execute("SELECT shipment_id FROM totes WHERE code = ?", (tote,)).fetchone()
        if row is None:
            raise NotFound(f"tote {tote!r} is not registered: scan a Sklad tote label")
        return row[0]

    def bind(self, tote: str, shipment_id: str | None) -> None:
        self.cur.execute("UPDATE totes SET shipment_id = ? WHERE code = ?", (shipment_id, tote))


class Idempotency:
    """Answers given per client key; new answers are buffered like movements and flushed with them."""

    INSERT = "INSERT INTO idempotency(key, command, fingerprint, result, at) VALUES (?,?,?,?,?)"

    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur
        self.pending: dict[str, tuple] = {}

    def get(self, key: str) -> tuple[str, str, str] | None:
        row = self.pending.get(key)
        if row is not None:
            return row[1:4]
        return self.cur.execute(
            "SELECT command, fingerprint, result FROM idempotency WHERE key = ?", (key,)
        ).fetchone()

    def put(self, key: str, command: str, fingerprint: str, result: str, at: str) -> None:
        self.pending[key] = (key, command, fingerprint, result, at)

    def mark(self) -> int:
        return len(self.pending)

    def undo_to(self, mark: int) -> None:
        for key in list(self.pending)[mark:]:
            del self.pending[key]

    def clear(self) -> None:
        self.pending.clear()

    def flush(self) -> None:
        if self.pending:
            self.cur.executemany(self.INSERT, self.pending.values())
            self.pending.clear()


class SyncState:
    """Named cursors of the sync layer (feed applied, upload acknowledged, node identity)."""

    def __init__(self, cur: sqlite3.Cursor):
        self.cur = cur

    def get(self, name: str, default: str | None = None) -> str | None:
        row = self.cur.execute("SELECT value FROM sync_state WHERE name = ?", (name,)).fetchone()
        return row[0] if row else default

    def set(self, name: str, value: object) -> None:
        self.cur.execute(
            "INSERT INTO sync_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, str(value)),
        )

    def reject_feed(self, feed_seq: int, command_type: str, reason: str, at: str) -> None:
        self.cur.execute("INSERT INTO feed_rejections(feed_seq, command_type, reason, at) VALUES (?,?,?,?)",
                         (feed_seq, command_type, reason, at))

    def expect(self, asn_id: str, sku: str, qty: int, lot: str, expiry: str | None, expected_at: str) -> None:
        self.cur.execute(
            "INSERT INTO expected_receipts(asn_id, sku, qty, lot, expiry, expected_at) VALUES (?,?,?,?,?,?) "
            "ON CONFLICT(asn_id, sku, lot) DO UPDATE SET qty = excluded.qty, expiry = excluded.expiry",
            (asn_id, sku, qty, lot, expiry, expected_at),
        )

    def receive_expected(self, sku: str, qty: int) -> int:
        """Count received units against the oldest open expected receipts of the SKU; returns units matched."""
        matched = 0
        rows = self.cur.execute(
            "SELECT asn_id, lot, qty - received FROM expected_receipts WHERE sku = ? AND received < qty "
            "ORDER BY expected_at", (sku,),
        ).fetchall()
        for asn_id, lot, open_qty in rows:
            take = min(open_qty, qty - matched)
            if take <= 0:
                break
            self.cur.execute("UPDATE expected_receipts SET received = received + ? WHERE asn_id = ? AND sku = ? "
                             "AND lot = ?", (take, asn_id, sku, lot))
            matched += take
        return matched
