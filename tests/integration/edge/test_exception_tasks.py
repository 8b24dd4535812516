"""Exception tasks: opened with a reason by a failed floor check, closed by a supervisor."""

from __future__ import annotations

import pytest

from edge.domain import commands as c
from edge.domain.events import ExceptionReported, ExceptionResolved
from edge.errors import InvalidCommand


def report(ledger, key: str = "x1") -> int:
    return ledger.ok(c.ReportException(key, "PACK-01", "weight 1250 g, expected 700-760 g", "T00001", "S1"))["task_id"]


def test_a_reported_exception_keeps_its_reason_and_a_supervisor_closes_it(ledger):
    (outcome,) = ledger.run(c.ReportException("x1", "PACK-01", "weight 1250 g, expected 700-760 g", "T00001", "S1"))
    task_id = outcome.result["task_id"]
    assert outcome.events == [ExceptionReported(task_id, "PACK-01", "weight 1250 g, expected 700-760 g",
                                                "T00001", "S1")]
    assert ledger.rows("SELECT kind, state, location, tote, reason FROM tasks WHERE id = ?", task_id) == [
        ("exception", "open", "PACK-01", "T00001", "weight 1250 g, expected 700-760 g")]

    (closed,) = ledger.run(c.ResolveException("r1", task_id, "re-weighed: a second mug in the tote, removed",
                                              operator="B9001"))
    assert closed.ok and closed.result == {"task_id": task_id,
                                           "resolution": "re-weighed: a second mug in the tote, removed"}
    assert closed.events == [ExceptionResolved(task_id, "re-weighed: a second mug in the tote, removed", "B9001")]
    assert ledger.rows("SELECT state, resolution, assignee FROM tasks WHERE id = ?", task_id) == [
        ("done", "re-weighed: a second mug in the tote, removed", "B9001")]
    assert ledger.verify().ok


def test_closing_twice_is_refused_and_a_resend_is_replayed(ledger):
    task_id = report(ledger)
    resolve = c.ResolveException("r1", task_id, "tote re-packed", operator="B9001")
    first = ledger.ok(resolve)
    (again,) = ledger.run(resolve)
    assert again.ok and again.replayed and again.result == first
    ledger.refused(c.ResolveException("r2", task_id, "something else", operator="B9001"),
                   "conflict", f"exception {task_id} is already closed")


def test_only_open_exception_tasks_can_be_resolved(allocated):
    ledger, tasks = allocated
    ledger.refused(c.ResolveException("r1", tasks[0]["id"], "n/a"), "conflict", "is a pick task, not an exception")
    ledger.refused(c.ResolveException("r2", 9999, "n/a"), "not_found", "task 9999 does not exist")


@pytest.mark.parametrize("bad", ["", "   ", "x" * 129, None, 7])
def test_a_resolution_must_say_something(bad):
    with pytest.raises(InvalidCommand, match="resolution must be a non-empty text"):
        c.ResolveException("r1", 1, bad)
