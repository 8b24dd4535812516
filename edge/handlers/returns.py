"""Customer returns: the notice from central's feed, the receipt at a returns location (`return`
movements, which central counts and refunds), and the inspection of each unit as movements —
restock (`move` into a bin), quarantine (`move` to quarantine), dispose (`adjust` out)."""

from __future__ import annotations

from edge.domain.returns import (
    InspectReturn,
    ReceiveReturn,
    ReturnInspected,
    ReturnLine,
    ReturnReceived,
    check_inspection,
)
from edge.errors import Conflict, InvalidCommand, NotFound
from edge.handlers.inbound import _check_room
from edge.ledger.replenish_store import ReplenishStore
from edge.ledger.uow import Movement, UnitOfWork
from sync.feed import ReturnNotice, return_reason

COUNTERS = {"restock": "restocked", "quarantine": "quarantined", "dispose": "disposed"}
LINE_COLUMNS = ("sku", "qty", "received", "restocked", "quarantined", "disposed")


def expect_return(cmd: ReturnNotice, uow: UnitOfWork) -> dict:
    cur = uow.conn.cursor()
    if cur.execute("SELECT 1 FROM returns WHERE id = ?", (cmd.return_id,)).fetchall():
        raise Conflict(f"return {cmd.return_id} was announced already")
    for line in cmd.lines:
        uow.catalog.lot_tracked(line.sku)  # the SKU must be known to the floor
    cur.execute("INSERT INTO returns(id, order_id, shipment_id, state, created_at, updated_at) "
                "VALUES (?,?,?,'expected',?,?)", (cmd.return_id, cmd.order_id, cmd.shipment_id, uow.now, uow.now))
    cur.executemany("INSERT INTO return_lines(return_id, sku, qty, reason) VALUES (?,?,?,?)",
                    [(cmd.return_id, line.sku, line.qty, line.reason) for line in cmd.lines])
    return {"return_id": cmd.return_id, "lines": len(cmd.lines)}


def _return(uow: UnitOfWork, return_id: str) -> dict:
    row = uow.conn.cursor().execute("SELECT order_id, shipment_id, state, location FROM returns WHERE id = ?",
                                    (return_id,)).fetchall()
    if not row:
        raise NotFound(f"return {return_id!r} is not expected here: check the return label")
    return dict(zip(("order_id", "shipment_id", "state", "location"), row[0], strict=True))


def _lines(uow: UnitOfWork, return_id: str) -> dict[str, tuple[ReturnLine, str]]:
    rows = uow.conn.cursor().execute(f"SELECT {', '.join(LINE_COLUMNS)}, reason FROM return_lines "
                                     "WHERE return_id = ?", (return_id,)).fetchall()
    return {r[0]: (ReturnLine(*r[:6]), r[6]) for r in rows}


def _shipped_lot(uow: UnitOfWork, shipment_id: str, sku: str) -> str:
    """A lot-tracked unit comes back as the lot that was packed for the shipment (the first, if several)."""
    lots = [lot for s, lot, _ in uow.movements.packed_for(shipment_id) if s == sku]
    return lots[0] if lots else ""


def receive_return(cmd: ReceiveReturn, uow: UnitOfWork) -> dict:
    ret = _return(uow, cmd.return_id)
    if ret["state"] != "expected":
        raise Conflict(f"return {cmd.return_id} was received already at {ret['location']}")
    loc = uow.locations.get(cmd.location)
    if loc.type != "returns":
        raise Conflict(f"{cmd.location} is a {loc.type} location: receive returns at a returns location")
    units = 0
    for sku, (line, reason) in _lines(uow, cmd.return_id).items():
        lot = _shipped_lot(uow, ret["shipment_id"], sku) if uow.catalog.lot_tracked(sku) else ""
        uow.record(Movement("return", sku, line.qty, lot=lot, to_location=loc.code, order_ref=ret["order_id"],
                            shipment_ref=ret["shipment_id"], reason=f"{return_reason(cmd.return_id)}: {reason}"[:200]))
        uow.conn.cursor().execute("UPDATE return_lines SET received = qty WHERE return_id = ? AND sku = ?",
                                  (cmd.return_id, sku))
        units += line.qty
    uow.conn.cursor().execute("UPDATE returns SET state = 'received', location = ?, updated_at = ? WHERE id = ?",
                              (loc.code, uow.now, cmd.return_id))
    uow.emit(ReturnReceived(cmd.return_id, ret["order_id"], loc.code, units))
    return {"return_id": cmd.return_id, "units": units, "location": loc.code}


def putaway_suggestion(uow: UnitOfWork, sku: str) -> str | None:
    """Where a restocked unit should go: a face holding the SKU, else the nearest empty face."""
    store = ReplenishStore(uow)
    faces = store.faces_of(sku)
    if faces:
        return min(faces, key=lambda f: (f.face.capacity and f.room <= 0, f.face.code)).face.code
    empty = sorted(store.empty_faces(), key=lambda loc: (loc.x + loc.y, loc.code))
    return empty[0].code if empty else None


def _destination(uow: UnitOfWork, cmd: InspectReturn, sku: str) -> str | None:
    if cmd.outcome == "dispose":
        return None
    if cmd.outcome == "quarantine":
        areas = sorted(loc.code for loc in uow.locations.of_type("quarantine"))
        code = cmd.to_location or (areas[0] if areas else None)
        if code is None:
            raise NotFound("the warehouse has no quarantine location")
        if uow.locations.get(code).type != "quarantine":
            raise Conflict(f"{code} is not a quarantine location")
        return code
    if not cmd.to_location:
        hint = putaway_suggestion(uow, sku)
        raise InvalidCommand(f"scan the bin the {sku} goes into" + (f" (suggested: {hint})" if hint else ""))
    loc = uow.locations.get(cmd.to_location)
    if loc.type not in ("pick_face", "reserve"):
        raise Conflict(f"{loc.code} is a {loc.type} location: restock into a pick face or reserve bin")
    others = ReplenishStore(uow).other_skus_on(loc.code, sku) if loc.type == "pick_face" else []
    if others:
        raise Conflict(f"pick face {loc.code} holds {', '.join(others)}, not {sku}")
    _check_room(uow, loc.code, cmd.qty)
    return loc.code


def inspect_return(cmd: InspectReturn, uow: UnitOfWork) -> dict:
    ret = _return(uow, cmd.return_id)
    if ret["state"] == "expected":
        raise Conflict(f"return {cmd.return_id} has not been received yet: receive it at a returns location first")
    sku = uow.catalog.resolve(cmd.item)
    line, _ = _lines(uow, cmd.return_id).get(sku, (None, None))
    check_inspection(cmd.return_id, line, sku, cmd.qty)
    where = _destination(uow, cmd, sku)
    lot = _shipped_lot(uow, ret["shipment_id"], sku) if uow.catalog.lot_tracked(sku) else ""
    why = f"{return_reason(cmd.return_id)}: {cmd.outcome}" + (f": {cmd.reason}" if cmd.reason else "")
    kind = "adjust" if cmd.outcome == "dispose" else "move"
    seq = uow.record(Movement(kind, sku, cmd.qty, lot=lot, from_location=ret["location"], to_location=where,
                              order_ref=ret["order_id"], shipment_ref=ret["shipment_id"], reason=why[:200]))
    cur = uow.conn.cursor()
    column = COUNTERS[cmd.outcome]
    cur.execute(f"UPDATE return_lines SET {column} = {column} + ? WHERE return_id = ? AND sku = ?",
                (cmd.qty, cmd.return_id, sku))
    left = sum(ln.uninspected for ln, _ in _lines(uow, cmd.return_id).values())
    if left == 0:
        cur.execute("UPDATE returns SET state = 'inspected', updated_at = ? WHERE id = ?", (uow.now, cmd.return_id))
    uow.emit(ReturnInspected(cmd.return_id, sku, cmd.qty, cmd.outcome, where))
    return {"seq": seq, "return_id": cmd.return_id, "outcome": cmd.outcome, "location": where, "uninspected": left,
            "suggested": putaway_suggestion(uow, sku) if cmd.outcome == "restock" else None}
