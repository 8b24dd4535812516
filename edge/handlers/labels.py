"""Shipping labels in the ledger: a packed shipment's SSCC (serial allocated here, in the
writer's transaction, so it is unique and survives restarts), each print's outcome, and the
ship scan's SSCC -> shipment lookup. The printing is done outside the ledger, by the node."""

from __future__ import annotations

from devices.printers import LabelError, build_sscc, sscc_from_scan
from edge.domain.commands import ReportException
from edge.domain.labels import AssignLabel, LabelNotPrinted, LabelPrinted, RecordLabelPrint
from edge.errors import Conflict, InvalidCommand, NotFound
from edge.handlers.exceptions import report_exception
from edge.ledger.uow import UnitOfWork

LABELLED = ("packed", "shipped")
_FIELDS = ("sscc", "shipment_id", "state", "prints", "exception_task")


def _label(uow: UnitOfWork, where: str, value: str) -> dict | None:
    # fetchall: APSW steps lazily, and a half-read statement would hold a read transaction open.
    rows = uow.conn.cursor().execute(
        f"SELECT {', '.join(_FIELDS)} FROM shipment_labels WHERE {where} = ?", (value,)).fetchall()
    row = rows[0] if rows else None
    return None if row is None else dict(zip(_FIELDS, row, strict=True))


def assign_label(cmd: AssignLabel, uow: UnitOfWork) -> dict:
    shipment = uow.shipments.get(cmd.shipment_id)
    if shipment["status"] not in LABELLED:
        raise Conflict(f"shipment {cmd.shipment_id} is {shipment['status']}: a label is printed once it is packed")
    if (label := _label(uow, "shipment_id", cmd.shipment_id)) is not None:
        return {"sscc": label["sscc"], "shipment_id": cmd.shipment_id}
    cur = uow.conn.cursor()
    [(serial,)] = cur.execute("SELECT COALESCE(MAX(serial), 0) + 1 FROM shipment_labels "
                              "WHERE extension = ? AND company_prefix = ?",
                              (cmd.extension, cmd.company_prefix)).fetchall()
    try:
        sscc = build_sscc(cmd.extension, cmd.company_prefix, serial)
    except LabelError as exc:
        raise InvalidCommand(str(exc)) from None
    cur.execute("INSERT INTO shipment_labels(sscc, shipment_id, extension, company_prefix, serial, state, "
                "created_at, updated_at) VALUES (?,?,?,?,?,'assigned',?,?)",
                (sscc, cmd.shipment_id, cmd.extension, cmd.company_prefix, serial, uow.now, uow.now))
    return {"sscc": sscc, "shipment_id": cmd.shipment_id}


def record_label_print(cmd: RecordLabelPrint, uow: UnitOfWork) -> dict:
    label = _label(uow, "sscc", cmd.sscc)
    if label is None:
        raise NotFound(f"no label {cmd.sscc} in this warehouse")
    shipment = label["shipment_id"]
    cur = uow.conn.cursor()
    if cmd.error is None:
        prints = label["prints"] + 1
        cur.execute("UPDATE shipment_labels SET state = 'printed', prints = ?, printer = ?, last_error = NULL, "
                    "updated_at = ? WHERE sscc = ?", (prints, cmd.printer, uow.now, cmd.sscc))
        uow.emit(LabelPrinted(shipment, cmd.sscc, cmd.printer, cmd.station, prints))
        return {"sscc": cmd.sscc, "shipment_id": shipment, "printed": True, "prints": prints}
    task = label["exception_task"]
    if task is None or uow.tasks.get(task)["state"] != "open":
        # The task keeps the label: resolving it prints the label again.
        reason = f"label not printed: {cmd.error}"[:128]
        task = report_exception(ReportException(cmd.key, cmd.station, reason, None, shipment), uow)["task_id"]
    cur.execute("UPDATE shipment_labels SET state = 'failed', printer = ?, last_error = ?, exception_task = ?, "
                "updated_at = ? WHERE sscc = ?", (cmd.printer, cmd.error, task, uow.now, cmd.sscc))
    uow.emit(LabelNotPrinted(shipment, cmd.sscc, cmd.printer, cmd.station, cmd.error, task))
    return {"sscc": cmd.sscc, "shipment_id": shipment, "printed": False, "task_id": task}


def shipment_of_scan(scanned: str, uow: UnitOfWork) -> str:
    """The shipment a ship scan names: its id, or the SSCC of its label in any GS1 form."""
    sscc = sscc_from_scan(scanned)
    if sscc is None:
        return scanned
    label = _label(uow, "sscc", sscc)
    if label is not None:
        return label["shipment_id"]
    if uow.shipments.exists(scanned):  # an id that happens to look like an SSCC
        return scanned
    raise NotFound(f"SSCC {sscc} is not on any label of this warehouse: scan the shipment's own label")
