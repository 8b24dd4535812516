"""Supervisor operations on the robot fleet over the terminal API (their shapes are in
`fleet_protocol`).

fleet (list: state, battery, position, task), fleet_pause / fleet_resume (every vehicle),
fleet_cancel (a vehicle's order), fleet_charge (an idle vehicle to a free charger),
transport (a supervisor's transport task: a load from one location to another).
"""

from __future__ import annotations

from edge.errors import Conflict
from edge.fleet.commands import CreateTransport
from edge.terminal.protocol import Request


async def handle(fleet, req: Request, operator: str) -> dict:
    """`fleet` is the node's NodeFleet, or None when the warehouse file declares no fleet."""
    if fleet is None:
        raise Conflict("this node runs no robot fleet (the warehouse file has no [fleet] table)")
    service, a = fleet.service, req.args
    match req.op:
        case "fleet":
            return {"vehicles": service.fleet_list(), "summary": service.status()}
        case "fleet_pause":
            return service.operate("pause_all")
        case "fleet_resume":
            return service.operate("resume_all")
        case "fleet_cancel":
            return service.operate("cancel", a["vehicle"])
        case "fleet_charge":
            return service.operate("charge", a["vehicle"])
    kind = "replenish" if a.get("item") else "supervisor"
    cmd = CreateTransport(req.key, kind, a["load"], a["from_location"], a["to_location"],
                          a.get("load_type") or ("pallet" if a.get("item") else "tote"), a.get("item"),
                          a.get("qty") or 0, operator=operator)
    task = await service.request_transport(cmd)
    return {"transport_id": task.id, "state": task.state}
