"""Device health for people: a JSON file next to the ledger for `sklad-edge status` and the
terminal `status` operation (both may run in another process than the node), and gauges.

The file is rewritten every second while the node runs; `age_s` tells a stale file (a node that
died) from a live one, and a node that stops cleanly marks it `"running": false`.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from devices.modbus import HealthSnapshot
from devices.scanner import PortHealth


def status_path(ledger_path: Path | str) -> Path:
    return Path(ledger_path).with_suffix(".devices.json")


def scanner_health(h: PortHealth) -> dict:
    return {"kind": "scanner", "state": "up" if h.connected else "down", "path": h.path,
            "scans": h.scans, "errors": h.errors, "losses": h.losses,
            "last_scan_at": h.last_scan_at, "last_error": h.last_error}


def modbus_health(kind: str, h: HealthSnapshot) -> dict:
    return {"kind": kind, "state": h.state.value, "last_ok": h.last_ok, "errors": h.error_count,
            "poll_rate_hz": h.poll_rate_hz, "down_since": h.down_since, "last_error": h.last_error,
            "refused_points": h.refused}


def write_status(path: Path, devices: dict[str, dict], running: bool) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"running": running, "written_at": time.time(), "devices": devices},
                              indent=1), encoding="utf-8")
    os.replace(tmp, path)  # a reader never sees half a file


def read_status(ledger_path: Path | str) -> dict | None:
    """The last device status the node wrote, with its age; None when it runs no devices."""
    try:
        doc = json.loads(status_path(ledger_path).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    doc["age_s"] = round(time.time() - doc.get("written_at", 0), 1)
    return doc
