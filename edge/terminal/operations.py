"""What each terminal operation does: turn a validated request into a ledger command or a query."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from edge.domain import commands as c
from edge.errors import Conflict, InvalidCommand, NotFound
from edge.hardware.health import read_status
from edge.ledger.batch import Outcome
from edge.ledger.status import ledger_status
from edge.sync_bridge import sync_status
from edge.terminal import batch_ops, fleet_ops, floor_ops
from edge.terminal.fleet_protocol import FLEET_OPS
from edge.terminal.pack_scale import PackScale, weight_text
from edge.terminal.protocol import VERSION, Request
from edge.terminal.queries import Queries
from edge.terminal.sessions import Session, Sessions
from edge.terminal.views import Views


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
BUILDERS.update(batch_ops.BUILDERS)  # waves, batch and cluster picking, the put wall


@dataclass
class Operations:
    warehouse_id: str
    sessions: Sessions
    queries: Queries
    execute: Callable[[c.Command], Awaitable[Outcome]]
    views: Views = field(init=False)
    reprint_label: Callable[[str, str], Awaitable[dict]] | None = None  # the device hub's, when it has printers
    fleet: object = None  # edge.fleet.node.NodeFleet when the node runs robots
    pack_scale: PackScale | None = None  # the node's pack-station scales, when it runs devices

    def __post_init__(self) -> None:
        self.views = Views(self.queries)

    async def handle(self, req: Request, terminal: str = "") -> dict:
        """Run one request from `terminal` (its network address, or its CurveZMQ key); raises an
        EdgeError (a clear refusal) or returns the result."""
        if req.op == "hello":
            return {"warehouse": self.warehouse_id, "protocol": VERSION}
        if req.op == "login":
            s = self.sessions.login(req.args["badge"], terminal)
            return {"session": s.token, "operator": s.operator.badge, "name": s.operator.name,
                    "roles": list(s.operator.roles)}
        session = self.sessions.get(req.session, req.spec.roles)
        if req.op in FLEET_OPS:
            return await fleet_ops.handle(self.fleet, req, session.operator.badge)
        if req.op == "pack":
            return await self._pack(req, session)
        if req.op in BUILDERS:
            return await self._command(req, session)
        return await self._query(req, session)

    async def _command(self, req: Request, session: Session) -> dict:
        cmd = BUILDERS[req.op](req.args, req.key, session.operator.badge)
        outcome = await self.execute(cmd)
        if not outcome.ok:
            raise _Refused(outcome.error, outcome.message)
        result = {**outcome.result, "replayed": outcome.replayed}
        if req.op == "next_task" and result.get("task"):
            # What the handheld shows next, in the same round trip (the view is `task_view`'s).
            result["view"] = await self.views.task(result["task"]["id"])
        return result

    async def _pack(self, req: Request, session: Session) -> dict:
        """Pack, weighed first where the station has a scale (a resend of a done pack is not weighed
        again: the tote is empty by then)."""
        a = req.args
        if await self.queries.answered(req.key):
            return {**await self._command(req, session), "weight": "weighed when it was packed"}
        verdict = await self.pack_scale.weigh(a["tote"], a["station"]) if self.pack_scale else None
        if verdict is not None and not verdict.passed:
            # The station scanner's own key: the same tote weighed wrong again makes no second task.
            key = f"weight:{a['station']}:{a['tote']}:{a['shipment_id']}"
            await self.execute(c.ReportException(key, a["station"], verdict.reason[:128], a["tote"],
                                                 a["shipment_id"], operator=session.operator.badge))
            raise Conflict(f"not packed: {verdict.reason} (now an exception for a supervisor)")
        return {**await self._command(req, session), "weight": weight_text(verdict)}

    async def _query(self, req: Request, session: Session) -> dict:
        if req.op == "reprint_label" and self.reprint_label is not None:
            return await self.reprint_label(req.args["shipment"], req.key)
        answer = QUERIES.get(req.op)
        if answer is None:
            raise InvalidCommand(f"operation {req.op} is not served by this node")
        return await answer(self, req.args, session)

    async def _logout(self, a: dict, session: Session) -> dict:
        self.sessions.logout(session.token)
        return {}

    async def _status(self, a: dict, session: Session) -> dict:
        path = self.queries.path
        status = await asyncio.to_thread(ledger_status, path)
        return {**status, "devices": await asyncio.to_thread(read_status, path),
                "sync_view": await asyncio.to_thread(sync_status, path)}

    async def _expected(self, a: dict, session: Session) -> dict:
        sku = await self.queries.sku_of(a["item"])
        if sku is None:
            raise NotFound(f"item {a['item']!r} is not in the catalog")
        return {**await self.views.sku(sku), **await self.views.expected(sku)}

    async def _floor(self, a: dict, session: Session) -> dict:
        since = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="microseconds")
        return {**await self.views.floor(since), "names": self.sessions.names()}


class _Refused(InvalidCommand):
    """A ledger refusal carried back with the ledger's own code."""

    def __init__(self, code: str | None, message: str | None):
        super().__init__(message or "refused")
        self.code = code or "rejected"


# op -> function(operations, args, session) -> result, for everything that changes nothing
QUERIES: dict[str, Callable[[Operations, dict, Session], Awaitable[dict]]] = {
    "logout": Operations._logout,
    "status": Operations._status,
    "scan": lambda o, a, s: o.queries.classify(a["code"]),
    "putaway_suggest": lambda o, a, s: o.queries.suggest_putaway(a["item"], a["qty"], a["from_location"]),
    "stock": lambda o, a, s: _wrap("balances", o.queries.stock(a.get("location"), a.get("item"))),
    "exceptions": lambda o, a, s: _wrap("exceptions", o.queries.open_exceptions()),
    "task_view": lambda o, a, s: o.views.task(a["task_id"]),
    "work": lambda o, a, s: o.views.work(s.operator.badge),
    "tote": lambda o, a, s: o.views.tote(a["tote"]),
    "shipment": lambda o, a, s: o.views.shipment(a["shipment_id"]),
    "expected": Operations._expected,
    "floor": Operations._floor,
}


BUILDERS.update(floor_ops.BUILDERS)  # replenishment and customer returns
QUERIES.update(floor_ops.QUERIES)


async def _wrap(name: str, rows: Awaitable[list]) -> dict:
    return {name: await rows}


QUERIES.update(batch_ops.QUERIES)
