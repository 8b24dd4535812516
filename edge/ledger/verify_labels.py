"""`sklad-edge verify` on shipping labels: every SSCC is the one its extension digit, company prefix
and serial make (check digit included), and labels only packed or shipped shipments."""

from __future__ import annotations

import sqlite3

from devices.printers import LabelError, build_sscc


def check_labels(conn: sqlite3.Connection, problems: list[str]) -> None:
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'shipment_labels'").fetchall():
        return  # a ledger from before labels (verify reads, it does not migrate)
    rows = conn.execute(
        "SELECT l.sscc, l.extension, l.company_prefix, l.serial, l.shipment_id, s.status "
        "FROM shipment_labels l LEFT JOIN shipments s ON s.id = l.shipment_id").fetchall()
    for sscc, extension, prefix, serial, shipment, status in rows:
        try:
            expected = build_sscc(extension, prefix, serial)
        except LabelError as exc:
            problems.append(f"label {sscc}: {exc}")
            continue
        if sscc != expected:
            problems.append(f"label {sscc}: extension {extension}, prefix {prefix}, serial {serial} make {expected}")
        if status not in ("packed", "shipped"):
            problems.append(f"label {sscc}: shipment {shipment} is {status or 'missing'}, not packed or shipped")
