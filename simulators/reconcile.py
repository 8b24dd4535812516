"""Central's stock view against an edge ledger, per SKU: on hand and, of it, the units that are
not for sale (returns, quarantine). The demo reports it; the sync e2e tests assert it is empty."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from edge.ledger.stock_split import stock_split
from simulators.shop import Shop


def reconcile(shop: Shop, warehouse: str, ledger: Path) -> list[str]:
    """One line per SKU where central and the edge differ (empty: identical)."""
    central = {sku: (row["on_hand"], row["unsellable"]) for sku, row in shop.stock(warehouse).items()}
    conn = sqlite3.connect(ledger)
    try:
        edge = stock_split(conn)
    finally:
        conn.close()
    none = (0, 0)
    return [f"{sku}: central {central.get(sku, none)}, edge {edge.get(sku, none)} (on hand, unsellable)"
            for sku in sorted(set(central) | set(edge)) if central.get(sku, none) != edge.get(sku, none)]
