"""Terminal operations of waves, batch and cluster picking and the put wall; `protocol` adds them
to its table. Served by `batch_ops` on the node."""

from __future__ import annotations

from edge.terminal.protocol import INT, LIST, TEXT, Arg, OpSpec

PICK = {"task_id": Arg(INT), "location": Arg(TEXT), "item": Arg(TEXT), "tote": Arg(TEXT), "qty": Arg(INT)}

BATCH_OPS: dict[str, OpSpec] = {
    # picker: take a batch (cluster: the cart's totes, one per shipment; put_wall: one tote and a size)
    "start_batch": OpSpec({"mode": Arg(TEXT), "totes": Arg(LIST, False), "tote": Arg(TEXT, False),
                           "size": Arg(INT, False), "max_units": Arg(INT, False)}, effect=True, roles=("picker",)),
    "batch_pick": OpSpec(PICK, effect=True, roles=("picker",)),
    "batch_short": OpSpec({"task_id": Arg(INT), "location": Arg(TEXT), "found_qty": Arg(INT),
                           "tote": Arg(TEXT, False)}, effect=True, roles=("picker",)),
    "batch": OpSpec({"batch_id": Arg(INT, False)}, roles=("picker", "packer")),  # none: the caller's live batch
    "batch_item": OpSpec({"batch_id": Arg(INT), "item": Arg(TEXT)}, roles=("picker",)),  # which tote?
    # at the wall, from a handheld (the put-to-light buttons do the same through the device hub)
    "wall_start": OpSpec({"tote": Arg(TEXT), "wall": Arg(TEXT), "cubbies": Arg(LIST)}, effect=True,
                         roles=("picker", "packer")),
    "put": OpSpec({"tote": Arg(TEXT), "cubby": Arg(TEXT), "item": Arg(TEXT), "qty": Arg(INT)}, effect=True,
                  roles=("picker", "packer")),
    # supervisor
    "waves": OpSpec(roles=("supervisor",)),
    "plan_waves": OpSpec({"cutoffs": Arg(LIST), "timezone": Arg(TEXT, False)}, effect=True, roles=("supervisor",)),
    "release_wave": OpSpec({"wave_id": Arg(INT)}, effect=True, roles=("supervisor",)),
}
