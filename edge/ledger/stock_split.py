"""The ledger's stock per SKU as central keeps it: on hand over every location, and how many of
those units are at locations that are not sellable (edge.domain.model.sellable). `sklad-edge
rejoin` sends it, and the demo and the sync tests compare central's stock view with it."""

from __future__ import annotations

import sqlite3

from edge.domain.model import sellable

BY_TYPE = ("SELECT b.sku, l.type, SUM(b.on_hand) FROM balances b JOIN locations l ON l.code = b.location "
           "GROUP BY b.sku, l.type HAVING SUM(b.on_hand) > 0")


def stock_split(conn: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """sku -> (on hand, unsellable), for every SKU with stock, in the caller's transaction."""
    split: dict[str, tuple[int, int]] = {}
    for sku, location_type, units in conn.execute(BY_TYPE):
        on_hand, unsellable = split.get(sku, (0, 0))
        split[sku] = (on_hand + units, unsellable + (0 if sellable(location_type) else units))
    return split
