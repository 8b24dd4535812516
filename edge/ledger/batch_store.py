"""SQL of waves, batches and put-wall puts, on the unit of work's connection (in its transaction).

Task updates wait in the write-behind buffer: every read of tasks here flushes first.
"""

from __future__ import annotations

from dataclasses import dataclass

from edge.domain.batches import CLOSED, CubbyNeed, Gone
from edge.errors import Conflict, NotFound
from edge.ledger.repositories import Tasks, _first
from edge.ledger.uow import UnitOfWork

BATCH_FIELDS = ("id", "mode", "state", "picker", "tote")
# Per cubby of a put-wall batch, in the order they were given: units of a SKU its shipment has in
# the batch tote (picked into it) and has not yet got (put). Args: sku, batch tote, sku, batch id.
CUBBY_NEEDS = (
    "SELECT bs.cubby, bs.shipment_id, "
    "COALESCE((SELECT SUM(t.done_qty) FROM tasks t WHERE t.shipment_id = bs.shipment_id AND t.sku = ? "
    "          AND t.kind = 'pick' AND t.tote = ?), 0) "
    "- COALESCE((SELECT p.qty FROM batch_puts p WHERE p.batch_id = bs.batch_id "
    "            AND p.shipment_id = bs.shipment_id AND p.sku = ?), 0) "
    "FROM batch_shipments bs JOIN shipments s ON s.id = bs.shipment_id "
    "WHERE bs.batch_id = ? AND bs.cubby IS NOT NULL AND s.status != 'cancelled' ORDER BY bs.rowid")
# What cancelled shipments of a put-wall batch leave behind: (shipment, cubby, a SKU picked into the
# batch tote or NULL). Args: batch tote, batch id.
GONE = (
    "SELECT bs.shipment_id, bs.cubby, t.sku FROM batch_shipments bs JOIN shipments s ON s.id = bs.shipment_id "
    "LEFT JOIN tasks t ON t.shipment_id = bs.shipment_id AND t.kind = 'pick' AND t.tote = ? AND t.done_qty > 0 "
    "WHERE bs.batch_id = ? AND s.status = 'cancelled' ORDER BY bs.rowid, t.id")


def gone_of(rows: list[tuple]) -> Gone:
    cubbies: dict[str, str] = {}
    skus: dict[str, str] = {}
    for shipment_id, cubby, sku in rows:
        if cubby:
            cubbies[cubby] = shipment_id
        if sku:
            skus.setdefault(sku, shipment_id)
    return Gone(cubbies, skus)


@dataclass
class BatchStore:
    uow: UnitOfWork

    def _rows(self, sql: str, *args) -> list[tuple]:
        self.uow.flush()
        return self.uow.conn.cursor().execute(sql, args).fetchall()

    def _one(self, sql: str, *args):
        rows = self._rows(sql, *args)
        return rows[0] if rows else None

    def _run(self, sql: str, *args) -> int:
        cur = self.uow.conn.cursor()
        cur.execute(sql, args)
        return self.uow.conn.last_insert_rowid()

    # --- batches -----------------------------------------------------------------------------
    def next_released_task(self) -> dict | None:
        """The oldest open pick task whose shipment is not held back in a wave still planned."""
        self.uow.flush()
        return _first(self.uow.tasks.cur.execute(
            f"SELECT {Tasks.FIELDS} FROM tasks t WHERE t.state = 'open' AND t.kind = 'pick' AND NOT EXISTS ("
            "SELECT 1 FROM wave_shipments ws JOIN waves w ON w.id = ws.wave_id "
            "WHERE ws.shipment_id = t.shipment_id AND w.state = 'planned') ORDER BY t.id LIMIT 1"))

    def candidates(self, count: int, max_units: int) -> list[str]:
        """Shipments nobody has started, not held in an unreleased wave, of at most `max_units` units;
        those of the earliest cut-off first."""
        return [r[0] for r in self._rows(
            "SELECT s.id FROM shipments s LEFT JOIN wave_shipments ws ON ws.shipment_id = s.id "
            "LEFT JOIN waves w ON w.id = ws.wave_id "
            "WHERE s.status = 'allocated' AND (w.id IS NULL OR w.state != 'planned') "
            "AND (SELECT SUM(qty) FROM shipment_lines l WHERE l.shipment_id = s.id) <= ? "
            "ORDER BY COALESCE(w.cutoff, '9999'), s.created_at, s.id LIMIT ?", max_units, count)]

    def create(self, mode: str, picker: str, tote: str | None) -> int:
        now = self.uow.now
        return self._run("INSERT INTO batches(mode, state, picker, tote, created_at, updated_at) "
                         "VALUES (?, 'picking', ?, ?, ?, ?)", mode, picker, tote, now, now)

    def add(self, batch_id: int, shipment_id: str, tote: str | None) -> None:
        self._run("INSERT INTO batch_shipments(batch_id, shipment_id, tote) VALUES (?,?,?)",
                  batch_id, shipment_id, tote)

    def live_of(self, picker: str) -> int | None:
        row = self._one("SELECT id FROM batches WHERE picker = ? AND state = 'picking'", picker)
        return row[0] if row else None

    def get(self, batch_id: int) -> dict:
        row = self._one(f"SELECT {', '.join(BATCH_FIELDS)} FROM batches WHERE id = ?", batch_id)
        if row is None:
            raise NotFound(f"batch {batch_id} does not exist")
        return dict(zip(BATCH_FIELDS, row, strict=True))

    def of_shipment(self, shipment_id: str) -> tuple[dict, str | None] | None:
        """The live batch a shipment is in, and the shipment's own tote in it."""
        row = self._one(f"SELECT {', '.join('b.' + f for f in BATCH_FIELDS)}, bs.tote FROM batch_shipments bs "
                        "JOIN batches b ON b.id = bs.batch_id WHERE bs.shipment_id = ? AND b.state NOT IN (?, ?)",
                        shipment_id, *CLOSED)
        return None if row is None else (dict(zip(BATCH_FIELDS, row[:-1], strict=True)), row[-1])

    def at_wall(self, tote: str) -> dict:
        row = self._one(f"SELECT {', '.join(BATCH_FIELDS)} FROM batches WHERE tote = ? AND mode = 'put_wall' "
                        "AND state NOT IN (?, ?)", tote, *CLOSED)
        if row is None:
            raise Conflict(f"tote {tote} is not the tote of a put-wall batch: scan the batch tote")
        batch = dict(zip(BATCH_FIELDS, row, strict=True))
        if batch["state"] != "putting":
            raise Conflict(f"batch {batch['id']} in tote {tote} still has picks open: finish picking first")
        return batch

    def set_state(self, batch_id: int, state: str) -> None:
        self._run("UPDATE batches SET state = ?, updated_at = ? WHERE id = ?", state, self.uow.now, batch_id)

    def shipments(self, batch_id: int, live: bool = True) -> list[tuple[str, str | None, str | None]]:
        """(shipment, its tote, its cubby) of the batch; `live`: leaving out the cancelled ones."""
        return self._rows("SELECT bs.shipment_id, bs.tote, bs.cubby FROM batch_shipments bs "
                          "JOIN shipments s ON s.id = bs.shipment_id WHERE bs.batch_id = ? "
                          "AND (s.status != 'cancelled' OR NOT ?) ORDER BY bs.rowid", batch_id, live)

    def put_back_at(self, tote: str, shipment_id: str) -> str | None:
        """Where the shipment's units in `tote` were put back to, if they were."""
        row = self._one("SELECT to_location FROM movements WHERE from_location = ? AND shipment_ref = ? "
                        "AND kind = 'move' ORDER BY seq DESC LIMIT 1", tote, shipment_id)
        return row[0] if row else None

    def live_members(self, batch_id: int) -> int:
        """Shipments of the batch not cancelled since it started."""
        return self._one("SELECT COUNT(*) FROM batch_shipments bs JOIN shipments s ON s.id = bs.shipment_id "
                         "WHERE bs.batch_id = ? AND s.status != 'cancelled'", batch_id)[0]

    def open_picks(self, batch_id: int) -> int:
        return self._one("SELECT COUNT(*) FROM tasks t JOIN batch_shipments bs ON bs.shipment_id = t.shipment_id "
                         "WHERE bs.batch_id = ? AND t.kind = 'pick' AND t.state IN ('open', 'assigned')",
                         batch_id)[0]

    # --- the put wall ------------------------------------------------------------------------
    def set_cubby(self, batch_id: int, shipment_id: str, cubby: str) -> None:
        self._run("UPDATE batch_shipments SET cubby = ? WHERE batch_id = ? AND shipment_id = ?",
                  cubby, batch_id, shipment_id)

    def needs(self, batch: dict, sku: str) -> list[CubbyNeed]:
        """Per cubby of the batch (in the order they were given): units of `sku` its shipment has in
        the batch tote (picked into it) and has not yet got (put)."""
        rows = self._rows(CUBBY_NEEDS, sku, batch["tote"], sku, batch["id"])
        return [CubbyNeed(*row) for row in rows]

    def gone(self, batch: dict) -> Gone:
        return gone_of(self._rows(GONE, batch["tote"], batch["id"]))

    def tote_share(self, batch: dict, shipment_id: str) -> list[tuple[str, int]]:
        """(sku, units) a shipment has in the batch tote: picked into it and not yet put."""
        return [(sku, n) for sku, n in self._rows(
            "SELECT t.sku, SUM(t.done_qty) - COALESCE((SELECT p.qty FROM batch_puts p WHERE p.batch_id = ? "
            "AND p.shipment_id = t.shipment_id AND p.sku = t.sku), 0) FROM tasks t "
            "WHERE t.shipment_id = ? AND t.kind = 'pick' AND t.tote = ? GROUP BY t.sku ORDER BY t.sku",
            batch["id"], shipment_id, batch["tote"]) if n > 0]

    def add_put(self, batch_id: int, shipment_id: str, sku: str, qty: int) -> None:
        self._run("INSERT INTO batch_puts(batch_id, shipment_id, sku, qty) VALUES (?,?,?,?) "
                  "ON CONFLICT(batch_id, shipment_id, sku) DO UPDATE SET qty = qty + excluded.qty",
                  batch_id, shipment_id, sku, qty)

    # --- waves -------------------------------------------------------------------------------
    def unwaved(self) -> list[tuple[str, str, str | None, str | None, str | None]]:
        """(shipment, arrived, pickup point, route, its departure) of allocated shipments in no wave."""
        return self._rows("SELECT s.id, s.created_at, s.pickup_point, r.id, r.departs_at FROM shipments s "
                          "LEFT JOIN route_shipments rs ON rs.shipment_id = s.id "
                          "LEFT JOIN delivery_routes r ON r.id = rs.route_id "
                          "WHERE s.status = 'allocated' AND NOT EXISTS "
                          "(SELECT 1 FROM wave_shipments ws WHERE ws.shipment_id = s.id) ORDER BY s.created_at")

    def planned_wave(self, cutoff: str, pickup_point: str, route_id: str | None = None) -> int:
        row = self._one("SELECT id FROM waves WHERE cutoff = ? AND pickup_point = ? AND route_id IS ? "
                        "AND state = 'planned'", cutoff, pickup_point, route_id)
        if row:
            return row[0]
        now = self.uow.now
        return self._run("INSERT INTO waves(cutoff, pickup_point, route_id, state, created_at, updated_at) "
                         "VALUES (?, ?, ?, 'planned', ?, ?)", cutoff, pickup_point, route_id, now, now)

    def add_to_wave(self, wave_id: int, shipment_id: str) -> None:
        self._run("INSERT INTO wave_shipments(shipment_id, wave_id) VALUES (?, ?)", shipment_id, wave_id)

    def wave(self, wave_id: int) -> dict:
        row = self._one("SELECT id, cutoff, state FROM waves WHERE id = ?", wave_id)
        if row is None:
            raise NotFound(f"wave {wave_id} does not exist")
        return dict(zip(("id", "cutoff", "state"), row, strict=True))

    def waves_in(self, state: str) -> list[tuple[int, str]]:
        return self._rows("SELECT id, cutoff FROM waves WHERE state = ? ORDER BY cutoff, id", state)

    def wave_busy(self, wave_id: int) -> bool:
        """Whether a shipment of the wave is still to be picked or packed."""
        return self._one("SELECT EXISTS (SELECT 1 FROM wave_shipments ws JOIN shipments s ON s.id = ws.shipment_id "
                         "WHERE ws.wave_id = ? AND s.status IN ('allocating', 'allocated', 'picking'))",
                         wave_id)[0] == 1

    def set_wave(self, wave_id: int, state: str, operator: str | None = None) -> None:
        now = self.uow.now
        released = now if state == "released" else None
        self._run("UPDATE waves SET state = ?, released_by = COALESCE(?, released_by), "
                  "released_at = COALESCE(?, released_at), updated_at = ? WHERE id = ?",
                  state, operator, released, now, wave_id)
