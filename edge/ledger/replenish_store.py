"""What replenishment reads and writes in the ledger, on the writer's unit of work."""

from __future__ import annotations

from edge.domain.model import Location, Stock
from edge.domain.replenishment import PRIORITY, FaceLevel, Rule
from edge.ledger.uow import UnitOfWork

RULES_CACHE = "replenish_rules"
OPEN = "('open', 'assigned')"
# Units on their way to a face: open replenish tasks, and pallets vehicles carry for them.
INCOMING = ("SELECT face, SUM(qty) FROM ("
            "SELECT r.to_location AS face, t.qty - t.done_qty AS qty FROM replenishments r "
            f"JOIN tasks t ON t.id = r.task_id WHERE t.state IN {OPEN} AND t.sku = ? UNION ALL "
            "SELECT destination, qty FROM transport_tasks WHERE kind = 'replenish' AND sku = ? "
            "AND state NOT IN ('done', 'failed')) GROUP BY face")


class ReplenishStore:
    def __init__(self, uow: UnitOfWork):
        self.uow = uow
        self.cur = uow.conn.cursor()

    def rules(self) -> dict[tuple[str, str], Rule]:
        """(zone, '') and ('', sku) -> rule; read once per writer, dropped when the rules change."""
        cached = self.uow.caches.get(RULES_CACHE)
        if cached is None:
            rows = self.cur.execute("SELECT zone, sku, min_qty, max_qty FROM replenish_rules").fetchall()
            cached = self.uow.caches[RULES_CACHE] = {(z, s): Rule(lo, hi) for z, s, lo, hi in rows}
        return cached

    def set_rule(self, sku: str, rule: Rule, source: str) -> None:
        self.cur.execute(
            "INSERT INTO replenish_rules(zone, sku, min_qty, max_qty, source, updated_at) VALUES ('', ?, ?, ?, ?, ?) "
            "ON CONFLICT(zone, sku) DO UPDATE SET min_qty = excluded.min_qty, max_qty = excluded.max_qty, "
            "source = excluded.source, updated_at = excluded.updated_at",
            (sku, rule.min_qty, rule.max_qty, source, self.uow.now))
        self.uow.caches.pop(RULES_CACHE, None)

    def _incoming(self, sku: str) -> dict[str, int]:
        self.uow.behind.flush()
        return dict(self.cur.execute(INCOMING, (sku, sku)).fetchall())

    def level(self, sku: str, face: Location) -> FaceLevel:
        on_hand = allocated = 0
        for _, lot_on_hand, lot_allocated in self.uow.balances.lots_at(sku, face.code):
            on_hand, allocated = on_hand + lot_on_hand, allocated + lot_allocated
        return FaceLevel(face, on_hand, allocated, self._incoming(sku).get(face.code, 0))

    def faces_of(self, sku: str, exclude: frozenset[str] = frozenset()) -> list[FaceLevel]:
        """The pick faces holding the SKU or being filled with it."""
        self.uow.behind.flush()
        held = {code for (code,) in self.cur.execute(
            "SELECT b.location FROM balances b JOIN locations l ON l.code = b.location "
            "WHERE b.sku = ? AND b.on_hand > 0 AND l.type = 'pick_face' AND l.retired_at IS NULL", (sku,))}
        codes = (held | set(self._incoming(sku))) - exclude
        return [self.level(sku, self.uow.locations.get(code)) for code in sorted(codes)]

    def empty_faces(self, zone: str | None = None) -> list[Location]:
        """Pick faces with no stock and nothing on its way to them."""
        self.uow.behind.flush()
        rows = self.cur.execute(
            "SELECT code FROM locations l WHERE type = 'pick_face' AND retired_at IS NULL AND (? IS NULL OR zone = ?) "
            "AND NOT EXISTS (SELECT 1 FROM balances b WHERE b.location = l.code AND b.on_hand > 0) "
            f"AND NOT EXISTS (SELECT 1 FROM replenishments r JOIN tasks t ON t.id = r.task_id "
            f"WHERE r.to_location = l.code AND t.state IN {OPEN})", (zone, zone)).fetchall()
        return [self.uow.locations.get(code) for (code,) in rows]

    def other_skus_on(self, face: str, sku: str) -> list[str]:
        """SKUs other than `sku` on the face or on their way to it."""
        self.uow.behind.flush()
        rows = self.cur.execute(
            "SELECT sku FROM balances WHERE location = ? AND on_hand > 0 AND sku <> ? UNION "
            f"SELECT t.sku FROM replenishments r JOIN tasks t ON t.id = r.task_id WHERE r.to_location = ? "
            f"AND t.state IN {OPEN} AND t.sku <> ?", (face, sku, face, sku)).fetchall()
        return sorted(s for (s,) in rows)

    def reserve(self, sku: str) -> list[Stock]:
        return [s for s in self.uow.balances.candidates(sku) if s.location.type == "reserve"]

    def add(self, task_id: int, to_location: str, trigger: str) -> None:
        self.cur.execute("INSERT INTO replenishments(task_id, to_location, trigger, priority) VALUES (?,?,?,?)",
                         (task_id, to_location, trigger, PRIORITY[trigger]))

    def destination(self, task_id: int) -> tuple[str, str]:
        row = self.cur.execute("SELECT to_location, trigger FROM replenishments WHERE task_id = ?",
                               (task_id,)).fetchall()
        return row[0] if row else (None, None)

    def next_open(self) -> int | None:
        """The most urgent open replenish task, oldest first."""
        self.uow.behind.flush()
        row = self.cur.execute(
            "SELECT t.id FROM tasks t JOIN replenishments r ON r.task_id = t.id WHERE t.kind = 'replenish' "
            "AND t.state = 'open' ORDER BY r.priority DESC, t.id LIMIT 1").fetchall()
        return row[0][0] if row else None

    def current_for(self, operator: str) -> int | None:
        self.uow.behind.flush()
        row = self.cur.execute("SELECT id FROM tasks WHERE kind = 'replenish' AND state = 'assigned' AND assignee = ? "
                               "ORDER BY id LIMIT 1", (operator,)).fetchall()
        return row[0][0] if row else None

    def picked_since(self, since: str) -> list[tuple[str, int, int]]:
        """(sku, units picked since `since`, capacity of its largest face) for every SKU picked from a face."""
        self.uow.behind.flush()
        return self.cur.execute(
            "SELECT m.sku, SUM(m.qty), MAX(l.capacity) FROM movements m JOIN locations l ON l.code = m.from_location "
            "WHERE m.kind = 'pick' AND m.at >= ? AND l.type = 'pick_face' GROUP BY m.sku", (since,)).fetchall()
