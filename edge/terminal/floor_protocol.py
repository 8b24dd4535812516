"""Replenishment and customer-return operations of the terminal API; `protocol` adds them to its
table, so clients see them with everything else. Handled through `floor_ops` on the node."""

from __future__ import annotations

from edge.terminal.protocol import INT, TEXT, Arg, OpSpec

_MOVERS = ("picker", "receiver")  # who carries stock from reserve to the faces

FLOOR_OPS: dict[str, OpSpec] = {
    "replenish_next": OpSpec(effect=True, roles=_MOVERS),
    "replenish_confirm": OpSpec({"task_id": Arg(INT), "from_location": Arg(TEXT), "item": Arg(TEXT),
                                 "to_location": Arg(TEXT), "qty": Arg(INT)}, effect=True, roles=_MOVERS),
    "replenish_request": OpSpec({"item": Arg(TEXT), "to_location": Arg(TEXT), "qty": Arg(INT, False)},
                                effect=True, roles=("supervisor",)),
    "replenish_rules_velocity": OpSpec({"days": Arg(INT, False), "cover_days": Arg(INT, False)}, effect=True,
                                       roles=("supervisor",)),
    "returns": OpSpec(roles=("receiver",)),
    "return": OpSpec({"return_id": Arg(TEXT)}, roles=("receiver",)),  # one open return, by its label
    "return_receive": OpSpec({"return_id": Arg(TEXT), "location": Arg(TEXT)}, effect=True, roles=("receiver",)),
    "return_inspect": OpSpec({"return_id": Arg(TEXT), "item": Arg(TEXT), "qty": Arg(INT), "outcome": Arg(TEXT),
                              "to_location": Arg(TEXT, False), "reason": Arg(TEXT, False)},
                             effect=True, roles=("receiver",)),
}
