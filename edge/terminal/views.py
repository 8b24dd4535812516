"""Read-only views the handheld and supervisor screens need beyond the commands' own answers: a pick
task with its product name and barcodes, tote and shipment look-ups, expected receipts, and the
floor at a glance (tasks by state and zone, pickers' rates). Same connection as `Queries`."""

from __future__ import annotations

from edge.domain.model import Location
from edge.errors import NotFound
from edge.terminal.queries import LOC_COLS, Queries

# Picks of the last hour are looked for among this many newest movements, so the supervisor's
# refresh costs the same on the first day and after a million movements.
RECENT_MOVEMENTS = 50_000


def _nearest(origin: Location | None, stations: list[Location]) -> str | None:
    if not stations:
        return None
    if origin is None:
        return stations[0].code
    return min(stations, key=lambda s: (origin.distance_to(s), s.code)).code


class Views:
    def __init__(self, queries: Queries):
        self.q = queries

    async def sku(self, sku: str) -> dict:
        row = await self.q._one("SELECT name, lot_tracked, unit_weight_g FROM skus WHERE sku = ?", sku)
        if row is None:
            raise NotFound(f"SKU {sku!r} is not in the catalog")
        codes = [c for (c,) in await self.q._all("SELECT code FROM barcodes WHERE sku = ? ORDER BY code", sku)]
        return {"sku": sku, "name": row[0], "lot_tracked": bool(row[1]), "unit_weight_g": row[2], "barcodes": codes}

    async def pack_station_for(self, location: str | None) -> str | None:
        """Where a finished tote goes: the pack station nearest to where its last pick was."""
        rows = await self.q._all(f"SELECT {LOC_COLS} FROM locations WHERE type = 'pack_station' "
                                 "AND retired_at IS NULL ORDER BY code")
        origin = await self.q.location(location) if location else None
        return _nearest(origin, [Location(*r) for r in rows])

    async def task(self, task_id: int) -> dict:
        """A pick task as a handheld shows it: product name, the barcodes that match it, the
        shipment's tote (bound by its first pick), how much of the shipment is left, where it goes."""
        row = await self.q._one(
            "SELECT t.id, t.kind, t.state, t.shipment_id, t.sku, t.lot, t.qty, t.done_qty, t.location, t.assignee, "
            "s.tote, s.pickup_point FROM tasks t LEFT JOIN shipments s ON s.id = t.shipment_id WHERE t.id = ?",
            task_id)
        if row is None or row[1] != "pick":
            raise NotFound(f"pick task {task_id} does not exist")
        keys = ("id", "kind", "state", "shipment_id", "sku", "lot", "qty", "done_qty", "location", "assignee",
                "tote", "pickup_point")
        view = dict(zip(keys, row, strict=True))
        left = await self.q._one("SELECT COUNT(*) FROM tasks WHERE shipment_id = ? AND kind = 'pick' "
                                 "AND state IN ('open', 'assigned') AND id != ?", view["shipment_id"], task_id)
        sku = await self.sku(view["sku"])
        return {**view, "sku_name": sku["name"], "barcodes": sku["barcodes"], "lot_tracked": sku["lot_tracked"],
                "other_tasks_open": left[0], "pack_station": await self.pack_station_for(view["location"])}

    async def tote(self, tote: str) -> dict:
        loc = await self.q.location(tote)
        if loc is None or loc.type != "tote":
            raise NotFound(f"{tote!r} is not a tote of this warehouse: scan the tote label")
        row = await self.q._one("SELECT shipment_id FROM totes WHERE code = ?", tote)
        shipment = row[0] if row else None
        contents = await self.q._all(
            "SELECT b.sku, k.name, SUM(b.on_hand), k.unit_weight_g FROM balances b JOIN skus k ON k.sku = b.sku "
            "WHERE b.location = ? AND b.on_hand > 0 GROUP BY b.sku ORDER BY b.sku", tote)
        lines = [{"sku": s, "name": n, "qty": q, "unit_weight_g": w} for s, n, q, w in contents]
        return {"tote": tote, "shipment_id": shipment, "lines": lines,
                "expected_weight_g": sum(line["qty"] * line["unit_weight_g"] for line in lines),
                "unweighed": [line["sku"] for line in lines if not line["unit_weight_g"]]}

    async def shipment(self, shipment_id: str) -> dict:
        row = await self.q._one("SELECT status, order_id, tote, packed_at, pickup_point FROM shipments WHERE id = ?",
                                shipment_id)
        if row is None:
            raise NotFound(f"shipment {shipment_id!r} is not known on this node")
        lines = await self.q._all("SELECT sku, qty, picked, short, packed, shipped FROM shipment_lines "
                                  "WHERE shipment_id = ? ORDER BY sku", shipment_id)
        cols = ("sku", "qty", "picked", "short", "packed", "shipped")
        return {"shipment_id": shipment_id, "status": row[0], "order_id": row[1], "tote": row[2],
                "packed_at": row[3], "pickup_point": row[4],
                "lines": [dict(zip(cols, r, strict=True)) for r in lines]}

    async def expected(self, sku: str) -> dict:
        """Open advance shipping notices for a SKU: what is still expected against what came."""
        rows = await self.q._all("SELECT asn_id, lot, qty, received FROM expected_receipts WHERE sku = ? "
                                 "ORDER BY expected_at", sku)
        asns = [{"asn_id": a, "lot": lot, "qty": q, "received": r} for a, lot, q, r in rows]
        return {"expected": sum(a["qty"] for a in asns), "received": sum(a["received"] for a in asns), "asns": asns}

    async def floor(self, since: str) -> dict:
        """Open tasks by kind, state and zone; each picker's current task and picks since `since`."""
        tasks = await self.q._all(
            "SELECT t.kind, t.state, COALESCE(l.zone, '-'), COUNT(*) FROM tasks t "
            "LEFT JOIN locations l ON l.code = t.location WHERE t.state IN ('open', 'assigned') "
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3")
        picks = await self.q._all(
            "SELECT operator, COUNT(*), SUM(qty) FROM movements WHERE kind = 'pick' AND operator IS NOT NULL "
            f"AND seq > (SELECT COALESCE(MAX(seq), 0) - {RECENT_MOVEMENTS} FROM movements) AND at >= ? "
            "GROUP BY operator", since)
        current = await self.q._all(
            "SELECT assignee, MIN(id), location, sku, shipment_id FROM tasks WHERE state = 'assigned' "
            "AND kind = 'pick' AND assignee IS NOT NULL GROUP BY assignee")
        shorts = await self.q._one("SELECT COUNT(*) FROM tasks WHERE kind = 'pick' AND state = 'short' "
                                   "AND updated_at >= ?", since)
        return {
            "tasks": [{"kind": k, "state": s, "zone": z, "count": n} for k, s, z, n in tasks],
            "picks": {op: {"picks": n, "units": u} for op, n, u in picks},
            "current": {op: {"task_id": t, "location": loc, "sku": sku, "shipment_id": sh}
                        for op, t, loc, sku, sh in current},
            "shorts_since": shorts[0],
        }
