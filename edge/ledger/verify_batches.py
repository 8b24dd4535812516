"""`sklad-edge verify` on put walls: every unit a cubby holds belongs to the shipment the cubby is
bound to, and the puts counted per batch are the put movements the ledger holds."""

from __future__ import annotations

import sqlite3

UNBOUND_CUBBIES = """
SELECT b.location, b.sku, b.on_hand FROM balances b JOIN locations l ON l.code = b.location
LEFT JOIN totes t ON t.code = b.location
WHERE l.type = 'put_wall' AND b.on_hand > 0 AND t.shipment_id IS NULL
"""

# Units each shipment got into its cubby: counted by the batch, and moved in the ledger.
PUTS = """
SELECT bs.batch_id, bs.shipment_id, bs.cubby, p.sku, p.qty,
       COALESCE((SELECT SUM(m.qty) FROM movements m WHERE m.kind = 'move' AND m.to_location = bs.cubby
                 AND m.shipment_ref = bs.shipment_id AND m.sku = p.sku), 0)
FROM batch_puts p JOIN batch_shipments bs ON bs.batch_id = p.batch_id AND bs.shipment_id = p.shipment_id
"""


def check_batches(conn: sqlite3.Connection, problems: list[str]) -> None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'batch_puts'").fetchall():
        return  # a ledger from before batches (verify reads, it does not migrate)
    for cubby, sku, on_hand in conn.execute(UNBOUND_CUBBIES):
        problems.append(f"cubby {cubby} holds {on_hand} {sku} but no shipment is bound to it")
    for batch_id, shipment, cubby, sku, counted, moved in conn.execute(PUTS):
        if counted != moved:
            problems.append(f"batch {batch_id}: {counted} {sku} counted as put into {cubby} for {shipment}, "
                            f"but the ledger moved {moved} there")
