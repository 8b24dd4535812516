"""SQL for the hot path, one small repository per aggregate, all sharing the writer's cursor.

These use the DBAPI cursor directly rather than SQLAlchemy Core: a pick confirmation runs about
ten statements and the group-commit writer must sustain >10,000 confirmations a second; Core's
per-statement compile/execute overhead would cost more than SQLite itself. The schema and its
migrations are managed by SQLAlchemy/Alembic (see database.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from functools import cache

import apsw

from edge.domain.model import Location, Stock
from edge.errors import Conflict, LedgerError, NotFound
from edge.ledger.write_behind import WriteBehind


@cache
def _update_sql(table: str, columns: tuple[str, ...], where: tuple[str, ...], increment: bool = False,
                stamp: bool = True) -> str:
    """UPDATE text for a set of columns, built once per shape: these run on every pick."""
    sets = [f"{c} = {c} + ?" if increment else f"{c} = ?" for c in columns]
    if stamp:
        sets.append("updated_at = ?")
    return f"UPDATE {table} SET {', '.join(sets)} WHERE {' AND '.join(f'{w} = ?' for w in where)}"


def _first(rows: apsw.Cursor) -> tuple | dict | None:
    """The first row, reading the statement to its end. APSW steps lazily: a statement left half-read
    keeps a read transaction open, and a connection holding one gets SQLITE_BUSY at once from the
    next BEGIN IMMEDIATE instead of waiting for the lock."""
    return next(iter(rows.fetchall()), None)


def _loc(row) -> Location:
    return Location(row[0], row[1], row[2], row[3], row[4], row[5])


class Catalog:
    def __init__(self, cur: apsw.Cursor):
        self.cur = cur

    def resolve(self, code: str) -> str:
        """A SKU code or any of its barcodes -> the SKU."""
        row = _first(self.cur.execute(
            "SELECT sku FROM skus WHERE sku = ? UNION ALL SELECT sku FROM barcodes WHERE code = ? LIMIT 1",
            (code, code),
        ))
        if row is None:
            raise NotFound(f"item {code!r} is not in the catalog: scan the product barcode again")
        return row[0]

    def lot_tracked(self, sku: str) -> bool:
        row = _first(self.cur.execute("SELECT lot_tracked FROM skus WHERE sku = ?", (sku,)))
        if row is None:
            raise NotFound(f"SKU {sku!r} is not in the catalog")
        return bool(row[0])

    def unit_weight_g(self, sku: str) -> int:
        row = _first(self.cur.execute("SELECT unit_weight_g FROM skus WHERE sku = ?", (sku,)))
        return row[0] if row else 0

    def upsert(self, sku: str, name: str, gtins, weight: int, lot_tracked: bool, at: str) -> None:
        self.cur.execute(
            "INSERT INTO skus(sku, name, unit_weight_g, lot_tracked, updated_at) VALUES (?,?,?,?,?) "
            "ON CONFLICT(sku) DO UPDATE SET name=excluded.name, unit_weight_g=excluded.unit_weight_g, "
            "lot_tracked=excluded.lot_tracked, updated_at=excluded.updated_at",
            (sku, name, weight, int(lot_tracked), at),
        )
        for code in gtins:
            owner = _first(self.cur.execute("SELECT sku FROM barcodes WHERE code = ?", (code,)))
            if owner and owner[0] != sku:
                raise Conflict(f"barcode {code} already belongs to SKU {owner[0]}, not {sku}")
            self.cur.execute("INSERT OR IGNORE INTO barcodes(code, sku) VALUES (?,?)", (code, sku))

    def record_lot(self, sku: str, lot: str, expiry: date | None) -> None:
        row = _first(self.cur.execute("SELECT expiry FROM lots WHERE sku = ? AND lot = ?", (sku, lot)))
        iso = expiry.isoformat() if expiry else None
        if row is None:
            self.cur.execute("INSERT INTO lots(sku, lot, expiry) VALUES (?,?,?)", (sku, lot, iso))
        elif iso and row[0] and row[0] != iso:
            raise Conflict(f"lot {lot} of {sku} was received with expiry {row[0]}, not {iso}")


class Locations:
    def __init__(self, cur: apsw.Cursor):
        self.cur = cur
        self._cache: dict[str, Location] = {}

    def get(self, code: str, what: str = "location") -> Location:
        loc = self._cache.get(code)
        if loc is None:
            row = _first(self.cur.execute(
                "SELECT code, zone, type, x, y, capacity FROM locations WHERE code = ? AND retired_at IS NULL", (code,)
            ))
            if row is None:
                raise NotFound(f"{what} {code!r} does not exist in this warehouse")
            loc = self._cache[code] = _loc(row)
        return loc

    def of_type(self, *types: str) -> list[Location]:
        marks = ",".join("?" * len(types))
        rows = self.cur.execute(
            f"SELECT code, zone, type, x, y, capacity FROM locations WHERE type IN ({marks}) AND retired_at IS NULL",
            types
        ).fetchall()
        return [_loc(r) for r in rows]



def _holds_none(key: tuple[str, str, str]) -> Conflict:
    sku, location, lot = key
    return Conflict(f"{location} holds no {sku}{' lot ' + lot if lot else ''}")


class Balances:
    """Balances per (sku, location, lot), changed only together with a movement.

    Two kinds of change wait in the write-behind buffer, summed per row: adding stock (it can never
    break a CHECK) and taking allocated stock (on_hand and allocated fall together, so if the sum
    passes the CHECKs at the flush, every step before it passed too). Anything else runs at once,
    after the row's buffered sum, so a row's buffer only ever holds one kind.
    """

    UPSERT = ("INSERT INTO balances(sku, location, lot, on_hand, allocated) VALUES (?,?,?,?,?) "
              "ON CONFLICT(sku, location, lot) DO UPDATE SET on_hand = on_hand + excluded.on_hand, "
              "allocated = allocated + excluded.allocated")
    UPDATE = ("UPDATE balances SET on_hand = on_hand + ?, allocated = allocated + ? "
              "WHERE sku = ? AND location = ? AND lot = ?")

    def __init__(self, cur: apsw.Cursor, locations: Locations, behind: WriteBehind):
        self.cur, self.locations, self.behind = cur, locations, behind
        self.adds: dict[tuple[str, str, str], int] = {}
        self.takes: dict[tuple[str, str, str], int] = {}
        behind.register(self)

    def get(self, sku: str, location: str, lot: str) -> tuple[int, int]:
        self.behind.flush()
        row = _first(self.cur.execute(
            "SELECT on_hand, allocated FROM balances WHERE sku = ? AND location = ? AND lot = ?",
            (sku, location, lot),
        ))
        return (row[0], row[1]) if row else (0, 0)

    def change(self, sku: str, location: str, lot: str, on_hand: int, allocated: int = 0) -> None:
        key = (sku, location, lot)
        if on_hand >= 0 and allocated == 0:
            self._hold(self.adds, self.takes, key, on_hand)
        elif on_hand < 0 and allocated == on_hand:
            self._hold(self.takes, self.adds, key, -on_hand)
        else:
            self._write(key)
            self._update(key, on_hand, allocated)

    def _hold(self, mine: dict, other: dict, key: tuple[str, str, str], qty: int) -> None:
        if key in other:
            self._write(key)
        mine[key] = mine.get(key, 0) + qty

    def _write(self, key: tuple[str, str, str]) -> None:
        if key in self.adds:
            self.cur.execute(self.UPSERT, (*key, self.adds.pop(key), 0))
        elif key in self.takes:
            taken = self.takes.pop(key)
            self._update(key, -taken, -taken)

    def _update(self, key: tuple[str, str, str], on_hand: int, allocated: int) -> None:
        # SQLite checks CHECK constraints on the row an upsert would insert, so anything but a
        # plain increment is an update: the row must exist, and the constraints guard the result.
        self.cur.execute(self.UPDATE, (on_hand, allocated, *key))
        if not self.cur.connection.changes():
            raise _holds_none(key)

    def flush(self) -> None:
        if self.adds:
            self.cur.executemany(self.UPSERT, [(*k, q, 0) for k, q in self.adds.items()])
            self.adds.clear()
        if self.takes:
            conn = self.cur.connection
            before = conn.total_changes()
            conn.executemany(self.UPDATE, [(-q, -q, *k) for k, q in self.takes.items()])
            if conn.total_changes() - before != len(self.takes):
                raise _holds_none(next(k for k in self.takes if not self._exists(k)))
            self.takes.clear()

    def _exists(self, key: tuple[str, str, str]) -> bool:
        return _first(self.cur.execute(
            "SELECT 1 FROM balances WHERE sku = ? AND location = ? AND lot = ?", key)) is not None

    def discard(self) -> None:
        self.adds.clear()
        self.takes.clear()

    def lots_at(self, sku: str, location: str) -> list[tuple[str, int, int]]:
        self.behind.flush()
        return self.cur.execute(
            "SELECT lot, on_hand, allocated FROM balances WHERE sku = ? AND location = ? AND on_hand > 0",
            (sku, location),
        ).fetchall()

    def in_location(self, location: str) -> list[tuple[str, str, int, int]]:
        self.behind.flush()
        return self.cur.execute(
            "SELECT sku, lot, on_hand, allocated FROM balances WHERE location = ? AND on_hand > 0",
            (location,),
        ).fetchall()

    def candidates(self, sku: str, exclude: set[str] = frozenset()) -> list[Stock]:
        self.behind.flush()
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

    Rows wait in the write-behind buffer: nothing reads a batch's own movements back except
    `packed_for`, which flushes first. The last seq is read from the ledger when it is next needed
    after a discard, not at the discard itself: a batch starts with a discard, before it holds the
    write lock, and `reload` reads it again once it does.
    """

    COLUMNS = ("seq", "id", "at", "kind", "sku", "lot", "qty", "from_location", "to_location",
               "order_ref", "shipment_ref", "task_ref", "operator", "device", "reason", "idem_key")
    INSERT = f"INSERT INTO movements({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"

    def __init__(self, cur: apsw.Cursor, behind: WriteBehind):
        self.cur, self.behind = cur, behind
        self.pending: list[tuple] = []
        self._last_seq: int | None = None
        behind.register(self)
        self.reload()

    @property
    def last_seq(self) -> int:
        if self._last_seq is None:
            self._last_seq = self._committed_seq()
        return self._last_seq

    def reload(self) -> None:
        self.pending.clear()
        self._last_seq = self._committed_seq()

    def _committed_seq(self) -> int:
        return _first(self.cur.execute("SELECT COALESCE(MAX(seq), 0) FROM movements"))[0]

    def packed_for(self, shipment_id: str) -> list[tuple[str, str, int]]:
        self.behind.flush()
        return self.cur.execute(
            "SELECT sku, lot, SUM(qty) FROM movements WHERE shipment_ref = ? AND kind = 'pack' "
            "GROUP BY sku, lot", (shipment_id,),
        ).fetchall()

    def append(self, row: tuple) -> int:
        seq = self._last_seq = self.last_seq + 1
        self.pending.append((seq, *row))
        return seq

    def flush(self) -> None:
        if self.pending:
            # Central refuses a gap and waits for the missing seq for ever: never write one.
            follows = self._committed_seq() + 1
            if self.pending[0][0] != follows:
                raise LedgerError(f"movement seq {self.pending[0][0]} would not follow the ledger's last seq "
                                  f"{follows - 1}: the batch is applied again from the ledger")
            self.cur.executemany(self.INSERT, self.pending)
            self.pending.clear()

    def discard(self) -> None:
        # Rows flushed inside the rolled-back block are gone too, not only the pending ones: count
        # from what the ledger holds, once the next row needs a seq.
        self.pending.clear()
        self._last_seq = None


TASK_FIELDS = ("id", "kind", "state", "shipment_id", "sku", "lot", "qty", "done_qty", "location", "tote", "assignee")


def _task_row(_cursor: apsw.Cursor, row: tuple) -> dict:
    return dict(zip(TASK_FIELDS, row, strict=True))


class Tasks:
    """Tasks; updates wait in the write-behind buffer.

    `get` answers from the batch's cache of task rows, which `prefetch` fills with one query for
    every task the batch's commands name, with the batch's unflushed updates laid over them.
    """

    FIELDS = ", ".join(TASK_FIELDS)
    CHUNK = 500

    def __init__(self, cur: apsw.Cursor, behind: WriteBehind):
        self.cur = cur.connection.cursor()
        self.cur.row_trace = _task_row
        self.behind = behind
        self.rows: dict[int, dict] = {}  # as in the database: no unflushed update of theirs
        self.updates: dict[int, dict[str, object]] = {}
        behind.register(self)

    def prefetch(self, task_ids: list[int]) -> None:
        for i in range(0, len(task_ids), self.CHUNK):
            chunk = task_ids[i:i + self.CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.cur.execute(f"SELECT {self.FIELDS} FROM tasks WHERE id IN ({marks})", chunk)
            self.rows.update((row["id"], row) for row in rows)

    def get(self, task_id: int) -> Mapping:
        row = self.rows.get(task_id)
        if row is None:
            row = _first(self.cur.execute(f"SELECT {self.FIELDS} FROM tasks WHERE id = ?", (task_id,)))
            if row is None:
                raise NotFound(f"task {task_id} does not exist")
            self.rows[task_id] = row
        changed = self.updates.get(task_id)
        return {**row, **changed} if changed else row

    def create(self, kind: str, at: str, state: str = "open", **values) -> int:
        cols = ["kind", "state", "created_at", "updated_at", *values]
        self.cur.execute(
            f"INSERT INTO tasks({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (kind, state, at, at, *values.values()),
        )
        return self.cur.connection.last_insert_rowid()

    def update(self, task_id: int, at: str, **values) -> None:
        # The CHECK on done_qty is tested at the flush; handlers check the quantity first.
        changed = self.updates.setdefault(task_id, {})
        changed.update(values)
        changed["updated_at"] = at

    def flush(self) -> None:
        shapes: dict[tuple[str, ...], list[tuple]] = defaultdict(list)
        for task_id, changed in self.updates.items():
            shapes[tuple(changed)].append((*changed.values(), task_id))
        for columns, rows in shapes.items():
            self.cur.executemany(_update_sql("tasks", columns, ("id",), stamp=False), rows)
        for task_id in self.updates:  # cached as they were: read them again if needed
            self.rows.pop(task_id, None)
        self.updates.clear()

    def discard(self) -> None:
        self.updates.clear()
        self.rows.clear()  # rows read inside the rolled-back block may show its writes

    def current_for(self, operator: str) -> dict | None:
        self.behind.flush()
        return _first(self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE assignee = ? AND state = 'assigned' "
            "ORDER BY path_seq, id LIMIT 1", (operator,),
        ))

    def close_counts(self, location: str, sku: str, at: str) -> None:
        self.behind.flush()
        self.rows.clear()  # changed behind the cache's back
        self.cur.execute(
            "UPDATE tasks SET state = 'done', updated_at = ? "
            "WHERE kind = 'count' AND state = 'open' AND location = ? AND sku = ?", (at, location, sku),
        )

    def open_of_kind(self, kind: str, location: str, sku: str, lot: str) -> list[dict]:
        """Open tasks of a kind for one SKU and lot at a location, oldest first. Tasks are inserted at
        once and only their updates wait in the buffer, so no flush: the batch's updates are laid over."""
        rows = self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE kind = ? AND state = 'open' AND location = ? AND sku = ? "
            "AND lot = ? ORDER BY id", (kind, location, sku, lot),
        ).fetchall()
        return [task for task in (self.get(row["id"]) for row in rows) if task["state"] == "open"]

    def open_for_shipment(self, shipment_id: str) -> list[dict]:
        self.behind.flush()
        rows = self.cur.execute(
            f"SELECT {self.FIELDS} FROM tasks WHERE shipment_id = ? AND state IN ('open', 'assigned')",
            (shipment_id,),
        ).fetchall()
        return rows


class Shipments:
    """Shipments and their lines; line counters wait in the write-behind buffer.

    The line CHECK (picked + short <= qty) is safe to test only at the flush because those two
    counters only ever grow: if the batch's total passes, every earlier state passed too.
    """

    def __init__(self, cur: apsw.Cursor, behind: WriteBehind):
        self.cur, self.behind = cur, behind
        self.bumps: dict[str, dict[tuple[str, str], int]] = {}  # counter -> (shipment, sku) -> delta
        behind.register(self)

    def get(self, shipment_id: str) -> dict:
        row = _first(self.cur.execute(
            "SELECT id, order_id, status, tote, packed_at FROM shipments WHERE id = ?", (shipment_id,)
        ))
        if row is None:
            raise NotFound(f"shipment {shipment_id!r} is not known to this warehouse")
        return dict(zip(("id", "order_id", "status", "tote", "packed_at"), row, strict=True))

    def exists(self, shipment_id: str) -> bool:
        return _first(self.cur.execute("SELECT 1 FROM shipments WHERE id = ?", (shipment_id,))) is not None

    def create(self, shipment_id: str, order_id: str, pickup_point: str | None, at: str) -> None:
        self.cur.execute(
            "INSERT INTO shipments(id, order_id, status, pickup_point, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?)", (shipment_id, order_id, "allocating", pickup_point, at, at),
        )

    def set(self, shipment_id: str, at: str, **values) -> None:
        self.cur.execute(_update_sql("shipments", tuple(values), ("id",)), (*values.values(), at, shipment_id))

    def lines(self, shipment_id: str) -> list[dict]:
        self.behind.flush()
        cols = ("sku", "qty", "allocated", "picked", "short", "packed", "shipped")
        rows = self.cur.execute(
            f"SELECT {', '.join(cols)} FROM shipment_lines WHERE shipment_id = ? ORDER BY sku", (shipment_id,)
        ).fetchall()
        return [dict(zip(cols, r, strict=True)) for r in rows]

    def add_line(self, shipment_id: str, sku: str, qty: int) -> None:
        self.cur.execute("INSERT INTO shipment_lines(shipment_id, sku, qty) VALUES (?,?,?)", (shipment_id, sku, qty))

    def bump_line(self, shipment_id: str, sku: str, **deltas: int) -> None:
        if deltas.get("picked", 0) < 0 or deltas.get("short", 0) < 0:
            raise ValueError("picked and short only grow; undo them with a new movement, not a negative bump")
        line = (shipment_id, sku)
        for counter, delta in deltas.items():
            held = self.bumps.setdefault(counter, {})
            held[line] = held.get(line, 0) + delta

    def flush(self) -> None:
        for counter, lines in self.bumps.items():
            sql = _update_sql("shipment_lines", (counter,), ("shipment_id", "sku"), increment=True, stamp=False)
            self.cur.executemany(sql, [(delta, *line) for line, delta in lines.items()])
        self.bumps.clear()

    def discard(self) -> None:
        self.bumps.clear()


class Totes:
    def __init__(self, cur: apsw.Cursor):
        self.cur = cur

    def shipment_of(self, tote: str) -> str | None:
        row = _first(self.cur.execute("SELECT shipment_id FROM totes WHERE code = ?", (tote,)))
        if row is None:
            raise NotFound(f"tote {tote!r} is not registered: scan a Sklad tote label")
        return row[0]

    def bind(self, tote: str, shipment_id: str | None) -> None:
        self.cur.execute("UPDATE totes SET shipment_id = ? WHERE code = ?", (shipment_id, tote))


class Idempotency:
    """Answers given per client key; new answers wait in the write-behind buffer.

    `prefetch` looks up a whole batch's keys in one query, so a new key costs no lookup of its own.
    """

    INSERT = "INSERT INTO idempotency(key, command, fingerprint, result, at) VALUES (?,?,?,?,?)"
    CHUNK = 500  # bound parameters per query, well under SQLite's limit

    def __init__(self, cur: apsw.Cursor, behind: WriteBehind):
        self.cur = cur
        self.pending: dict[str, tuple] = {}
        self.known: dict[str, tuple[str, str, str]] = {}  # answers of prefetched keys and of this batch
        self.covered: set[str] = set()  # keys looked up: absent from `known` means never seen
        behind.register(self)

    def prefetch(self, keys: list[str]) -> None:
        for i in range(0, len(keys), self.CHUNK):
            chunk = keys[i:i + self.CHUNK]
            marks = ",".join("?" * len(chunk))
            rows = self.cur.execute(
                f"SELECT key, command, fingerprint, result FROM idempotency WHERE key IN ({marks})", chunk
            ).fetchall()
            self.known.update((r[0], r[1:]) for r in rows)
            self.covered.update(chunk)

    def get(self, key: str) -> tuple[str, str, str] | None:
        if key in self.known:
            return self.known[key]
        if key in self.covered:
            return None
        return _first(self.cur.execute(
            "SELECT command, fingerprint, result FROM idempotency WHERE key = ?", (key,)
        ))

    def put(self, key: str, command: str, fingerprint: str, result: str, at: str) -> None:
        self.pending[key] = (key, command, fingerprint, result, at)
        self.known[key] = (command, fingerprint, result)

    def clear(self) -> None:
        self.pending.clear()
        self.known.clear()
        self.covered.clear()

    def flush(self) -> None:
        if self.pending:
            self.cur.executemany(self.INSERT, self.pending.values())
            self.pending.clear()

    def discard(self) -> None:
        for key in self.pending:
            del self.known[key]
        self.pending.clear()


class SyncState:
    """Named cursors of the sync layer (feed applied, upload acknowledged, node identity)."""

    def __init__(self, cur: apsw.Cursor):
        self.cur = cur

    def get(self, name: str, default: str | None = None) -> str | None:
        row = _first(self.cur.execute("SELECT value FROM sync_state WHERE name = ?", (name,)))
        return row[0] if row else default

    def set(self, name: str, value: object) -> None:
        self.cur.execute(
            "INSERT INTO sync_state(name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (name, str(value)),
        )

    def record_feed_outcome(self, feed_seq: int, command_type: str, at: str, *, code: str | None = None,
                            reason: str | None = None, shipment_id: str | None = None) -> None:
        """What the floor made of a feed entry, for central: rejected (with a code) or applied."""
        self.cur.execute(
            "INSERT INTO feed_outcomes(feed_seq, command_type, status, code, reason, shipment_id, at) "
            "VALUES (?,?,?,?,?,?,?)",
            (feed_seq, command_type, "applied" if code is None else "rejected", code, reason, shipment_id, at))

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
