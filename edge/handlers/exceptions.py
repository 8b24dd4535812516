"""Exception tasks: a check on the floor failed and a person has to look (kind "exception").

The task sits at the location where the check failed, names the tote and keeps the reason; a
supervisor closes it with a resolution. The shipment travels in the published event and in the
command's stored answer: the task carries no shipment id on purpose, because a shipment's open
tasks are its pick tasks (picking hands them out, packing waits for them).
"""

from __future__ import annotations

from edge.domain.commands import ReportException, ResolveException
from edge.domain.events import ExceptionReported, ExceptionResolved
from edge.errors import Conflict
from edge.ledger.uow import UnitOfWork


def report_exception(cmd: ReportException, uow: UnitOfWork) -> dict:
    uow.locations.get(cmd.location)
    task_id = uow.tasks.create("exception", uow.now, location=cmd.location, tote=cmd.tote, reason=cmd.reason)
    uow.emit(ExceptionReported(task_id, cmd.location, cmd.reason, cmd.tote, cmd.shipment_id))
    return {"task_id": task_id, "reason": cmd.reason}


def resolve_exception(cmd: ResolveException, uow: UnitOfWork) -> dict:
    task = uow.tasks.get(cmd.task_id)
    if task["kind"] != "exception":
        raise Conflict(f"task {cmd.task_id} is a {task['kind']} task, not an exception")
    if task["state"] != "open":
        raise Conflict(f"exception {cmd.task_id} is already closed ({task['state']})")
    # The supervisor who closed it is recorded as the task's assignee.
    uow.tasks.update(cmd.task_id, uow.now, state="done", resolution=cmd.resolution, assignee=cmd.operator)
    uow.emit(ExceptionResolved(cmd.task_id, cmd.resolution, cmd.operator))
    return {"task_id": cmd.task_id, "resolution": cmd.resolution}
