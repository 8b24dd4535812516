"""What each terminal operation does: turn a validated request into a ledger command or a query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from edge.domain import commands as c
from edge.errors import InvalidCommand
from edge.hardware.health import read_status
from edge.ledger.batch import Outcome
from edge.ledger.status import ledger_status
from edge.terminal import fleet_ops
from edge.terminal.fleet_protocol import FLEET_OPS
from edge.terminal.protocol import VERSION, Request
from edge.terminal.queries import Queries
from edge.terminal.sessions import Session, Sessions


def _expiry(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidCommand(f"expiry {text!r} is not a date like 2027-03-31") from None


# op -> function(args, key, operator badge) -> Command
BUILDERS: dict[str, Callable[[dict, str, str], c.Command]] = {
    "next_task": lambda a, k, op: c.NextTask(k, operator=op),
    "confirm_pick": lambda a, k, op: c.ConfirmPick(k, a["task_id"], a["location"], a["item"], a["tote"],
                                                    a["qty"], operator=op),
    "short_pick": lambda a, k, op: c.ShortPick(k, a["task_id"], a["location"], a["found_qty"],
                                                a.get("tote"), operator=op),
    "receive": lambda a, k, op: c.Receive(k, a["item"], a["qty"], a["location"], a.get("lot"),
                                          _expiry(a.get("expiry")), operator=op),
    "putaway": lambda a, k, op: c.Move(k, a["item"], a["qty"], a["from_location"], a["to_location"],
                                       a.get("lot"), operator=op),
    "count": lambda a, k, op: c.Count(k, a["location"], a["item"], a["counted"], a.get("lot"), operator=op),
    "adjust": lambda a, k, op: c.Adjust(k, a["item"], a["location"], a["delta"], a["reason"],
                                        a.get("lot"), operator=op),
    "pack": lambda a, k, op: c.Pack(k, a["tote"], a["shipment_id"], a["station"], operator=op),
    "ship": lambda a, k, op: c.Ship(k, a["shipment_id"], a["dock"], operator=op),
    "resolve_exception": lambda a, k, op: c.ResolveException(k, a["task_id"], a["resolution"], operator=op),
}


@dataclass
class Operations:
    warehouse_id: str
    sessions: Sessions
    queries: Queries
    execute: Callable[[c.Command], Awaitable[Outcome]]
    fleet: object = None  # edge.fleet.node.NodeFleet when the node runs robots

    async def handle(self, req: Request) -> dict:
        """Run one request; raises an EdgeError (a clear refusal) or returns the result."""
        if req.op == "hello":
            return {"warehouse": self.warehouse_id, "protocol": VERSION}
        if req.op == "login":
            s = self.sessions.login(req.args["badge"])
            return {"session": s.token, "operator": s.operator.badge, "name": s.operator.name,
                    "roles": list(s.operator.roles)}
        if req.op == "status":
            status = await asyncio.to_thread(ledger_status, self.queries.path)
            return {**status, "devices": await asyncio.to_thread(read_status, self.queries.path)}
        session = self.sessions.get(req.session, req.spec.role)
        if req.op in FLEET_OPS:
            return await fleet_ops.handle(self.fleet, req, session.operator.badge)
        if req.op in BUILDERS:
            return await self._command(req, session)
        return await self._query(req, session)

    async def _command(self, req: Request, session: Session) -> dict:
        cmd = BUILDERS[req.op](req.args, req.key, session.operator.badge)
        outcome = await self.execute(cmd)
        if not outcome.ok:
            raise _Refused(outcome.error, outcome.message)
        return {**outcome.result, "replayed": outcome.replayed}

    async def _query(self, req: Request, session: Session) -> dict:
        a = req.args
        if req.op == "logout":
            self.sessions.logout(session.token)
            return {}
        if req.op == "scan":
            return await self.queries.classify(a["code"])
        if req.op == "putaway_suggest":
            return await self.queries.suggest_putaway(a["item"], a["qty"], a["from_location"])
        if req.op == "stock":
            return {"balances": await self.queries.stock(a.get("location"), a.get("item"))}
        if req.op == "exceptions":
            return {"exceptions": await self.queries.open_exceptions()}
        raise InvalidCommand(f"operation {req.op} is not served by this node")


class _Refused(InvalidCommand):
    """A ledger refusal carried back with the ledger's own code."""

    def __init__(self, code: str | None, message: str | None):
        super().__init__(message or "refused")
        self.code = code or "rejected"
