"""What the replenishment and return operations do (their shapes are in `floor_protocol`):
commands for the ledger writer, and the list of returns for the receiving screen."""

from __future__ import annotations

from collections.abc import Callable

from edge.domain import commands as c
from edge.domain import replenish_commands as rc
from edge.domain import returns as rt
from edge.errors import NotFound

BUILDERS: dict[str, Callable[[dict, str, str], c.Command]] = {
    "replenish_next": lambda a, k, op: rc.NextReplenishment(k, operator=op),
    "replenish_confirm": lambda a, k, op: rc.ConfirmReplenishment(k, a["task_id"], a["from_location"], a["item"],
                                                                  a["to_location"], a["qty"], operator=op),
    "replenish_request": lambda a, k, op: rc.RequestReplenishment(k, a["item"], a["to_location"], a.get("qty"),
                                                                  operator=op),
    "replenish_rules_velocity": lambda a, k, op: rc.RulesFromVelocity(k, a.get("days") or 7, a.get("cover_days") or 1,
                                                                      operator=op),
    "return_receive": lambda a, k, op: rt.ReceiveReturn(k, a["return_id"], a["location"], operator=op),
    "return_inspect": lambda a, k, op: rt.InspectReturn(k, a["return_id"], a["item"], a["qty"], a["outcome"],
                                                        a.get("to_location"), a.get("reason"), operator=op),
}

OPEN_RETURNS = ("SELECT r.id, r.order_id, r.state, r.location, l.sku, l.qty, l.reason, l.received, "
                "l.received - l.restocked - l.quarantined - l.disposed FROM returns r "
                "JOIN return_lines l ON l.return_id = r.id WHERE r.state <> 'inspected' "
                "ORDER BY r.created_at, r.id, l.sku")


async def open_returns(o, a: dict, session) -> dict:
    """Returns still to receive or inspect, oldest first, with their lines."""
    found: dict[str, dict] = {}
    for rid, order_id, state, location, sku, qty, reason, received, left in await o.queries._all(OPEN_RETURNS):
        entry = found.setdefault(rid, {"return_id": rid, "order_id": order_id, "state": state, "location": location,
                                       "lines": []})
        entry["lines"].append({"sku": sku, "qty": qty, "reason": reason, "received": received, "uninspected": left})
    return {"returns": list(found.values())}


async def open_return(o, a: dict, session) -> dict:
    """One open return by its label (the inspection screen's first scan); few are open at a time."""
    for entry in (await open_returns(o, a, session))["returns"]:
        if entry["return_id"] == a["return_id"]:
            return entry
    raise NotFound(f"return {a['return_id']} is not open (unknown, or inspected already): check the label")


QUERIES = {"returns": open_returns, "return": open_return}
