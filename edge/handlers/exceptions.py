"""Exception tasks: a check on the floor failed and a person has to look (kind "exception").

The task sits at the location where the check failed and names the tote; the shipment and the
reason travel in the published event and in the command's stored answer. The task carries no
shipment id on purpose: the shipment's open tasks are its pick tasks (picking hands them out,
packing waits for them).
"""

from __future__ import annotations

from edge.domain.commands import ReportException
from edge.domain.events import ExceptionReported
from edge.ledger.uow import UnitOfWork


def report_exception(cmd: ReportException, uow: UnitOfWork) -> dict:
    uow.locations.get(cmd.location)
    task_id = uow.tasks.create("exception", uow.now, location=cmd.location, tote=cmd.tote)
    uow.emit(ExceptionReported(task_id, cmd.location, cmd.reason, cmd.tote, cmd.shipment_id))
    return {"task_id": task_id, "reason": cmd.reason}
