"""The robot-fleet operations of the terminal API (supervisor only); `protocol` adds them to its
table, so clients see them with everything else. Handled by `fleet_ops` on the node."""

from __future__ import annotations

from edge.terminal.protocol import INT, TEXT, Arg, OpSpec

FLEET_OPS: dict[str, OpSpec] = {
    "fleet": OpSpec(roles=("supervisor",)),
    "fleet_pause": OpSpec(effect=True, roles=("supervisor",)),
    "fleet_resume": OpSpec(effect=True, roles=("supervisor",)),
    "fleet_cancel": OpSpec({"vehicle": Arg(TEXT)}, effect=True, roles=("supervisor",)),
    "fleet_charge": OpSpec({"vehicle": Arg(TEXT)}, effect=True, roles=("supervisor",)),
    "transport": OpSpec({"load": Arg(TEXT), "from_location": Arg(TEXT), "to_location": Arg(TEXT),
                         "load_type": Arg(TEXT, False), "item": Arg(TEXT, False), "qty": Arg(INT, False)},
                        effect=True, roles=("supervisor",)),
}
