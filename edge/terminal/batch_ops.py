"""What the batch, wave and put-wall operations do on the node: commands for the writer, and the
read-only views (a batch with its totes and lines; where an item goes; the waves)."""

from __future__ import annotations

from collections.abc import Callable

from edge.domain import batch_commands as b
from edge.domain.commands import Command
from edge.errors import NotFound
from edge.terminal.queries import Queries

BUILDERS: dict[str, Callable[[dict, str, str], Command]] = {
    "start_batch": lambda a, k, op: b.StartBatch(
        k, a["mode"], operator=op, totes=tuple(a.get("totes") or ()), tote=a.get("tote"),
        size=a.get("size") or 0, max_units=a.get("max_units") or b.DEFAULT_MAX_UNITS),
    "batch_pick": lambda a, k, op: b.BatchPick(k, a["task_id"], a["location"], a["item"], a["tote"], a["qty"],
                                               operator=op),
    "batch_short": lambda a, k, op: b.BatchShort(k, a["task_id"], a["location"], a["found_qty"], a.get("tote"),
                                                 operator=op),
    "wall_start": lambda a, k, op: b.AssignWall(k, a["tote"], a["wall"], tuple(a["cubbies"]), operator=op),
    "put": lambda a, k, op: b.ConfirmPut(k, a["tote"], a["cubby"], a["item"], a["qty"], operator=op),
    "plan_waves": lambda a, k, op: b.PlanWaves(k, tuple(a["cutoffs"]), a.get("timezone") or "UTC", operator=op),
    "release_wave": lambda a, k, op: b.ReleaseWave(k, a["wave_id"], operator=op),
}

BATCH_COLS = ("batch_id", "mode", "state", "picker", "tote", "created_at")
LINE_COLS = ("shipment_id", "tote", "cubby", "sku", "qty", "picked", "short", "put", "status")


async def batch_view(q: Queries, batch_id: int | None, operator: str) -> dict:
    if batch_id is None:
        row = await q._one("SELECT id, mode, state, picker, tote, created_at FROM batches WHERE picker = ? "
                           "AND state NOT IN ('done', 'cancelled') ORDER BY id DESC LIMIT 1", operator)
    else:
        row = await q._one("SELECT id, mode, state, picker, tote, created_at FROM batches WHERE id = ?", batch_id)
    if row is None:
        raise NotFound("no such batch" if batch_id else f"{operator} has no batch open: take one with start_batch")
    lines = await q._all(
        "SELECT bs.shipment_id, bs.tote, bs.cubby, l.sku, l.qty, l.picked, l.short, "
        "COALESCE(p.qty, 0), s.status FROM batch_shipments bs JOIN shipment_lines l ON l.shipment_id = bs.shipment_id "
        "JOIN shipments s ON s.id = bs.shipment_id "
        "LEFT JOIN batch_puts p ON p.batch_id = bs.batch_id AND p.shipment_id = bs.shipment_id AND p.sku = l.sku "
        "WHERE bs.batch_id = ? ORDER BY bs.rowid, l.sku", row[0])
    return {**dict(zip(BATCH_COLS, row, strict=True)), "lines": [dict(zip(LINE_COLS, r, strict=True)) for r in lines]}


async def batch_item(q: Queries, batch_id: int, item: str) -> dict:
    """Which of the batch's totes (and which open task) a scanned item goes to, in walking order."""
    sku = await q.sku_of(item)
    if sku is None:
        raise NotFound(f"item {item!r} is not in the catalog: scan the product barcode again")
    rows = await q._all(
        "SELECT t.id, t.shipment_id, t.location, t.qty - t.done_qty, COALESCE(bs.tote, b.tote) "
        "FROM batch_shipments bs JOIN batches b ON b.id = bs.batch_id "
        "JOIN tasks t ON t.shipment_id = bs.shipment_id AND t.kind = 'pick' AND t.state IN ('open', 'assigned') "
        "WHERE bs.batch_id = ? AND t.sku = ? ORDER BY t.path_seq, t.id", batch_id, sku)
    if not rows:
        raise NotFound(f"no open line of batch {batch_id} is for {sku}: put the unit back")
    return {"sku": sku, "goes_to": [{"task_id": t, "shipment_id": s, "location": loc, "qty": n, "tote": tote}
                                    for t, s, loc, n, tote in rows]}


async def waves_view(q: Queries) -> dict:
    rows = await q._all(
        "SELECT w.id, w.cutoff, w.pickup_point, w.route_id, r.vehicle_id, r.departs_at, w.state, w.released_by, "
        "w.released_at, s.status, COUNT(*) "
        "FROM waves w JOIN wave_shipments ws ON ws.wave_id = w.id JOIN shipments s ON s.id = ws.shipment_id "
        "LEFT JOIN delivery_routes r ON r.id = w.route_id "
        "WHERE w.state != 'done' OR w.updated_at >= datetime('now', '-1 day') "
        "GROUP BY w.id, s.status ORDER BY w.cutoff, w.id")
    waves: dict[int, dict] = {}
    for wave_id, cutoff, pp, route, vehicle, departs, state, by, at, status, n in rows:
        # a route's vehicle and departure are gone once central withdrew it (the wave keeps its id)
        wave = waves.setdefault(wave_id, {"wave_id": wave_id, "cutoff": cutoff, "pickup_point": pp or None,
                                          "route_id": route, "vehicle_id": vehicle, "departs_at": departs,
                                          "state": state, "released_by": by, "released_at": at,
                                          "shipments": 0, "by_status": {}})
        wave["shipments"] += n
        wave["by_status"][status] = n
    return {"waves": list(waves.values())}


QUERIES = {
    "batch": lambda o, a, s: batch_view(o.queries, a.get("batch_id"), s.operator.badge),
    "batch_item": lambda o, a, s: batch_item(o.queries, a["batch_id"], a["item"]),
    "waves": lambda o, a, s: waves_view(o.queries),
}
