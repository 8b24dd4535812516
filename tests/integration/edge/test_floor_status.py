"""`sklad-edge status` and the node's gauges show the waves (by state, the next cut-off, route
waves) and the open batches (mode, picker, progress) as the ledger has them."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sync_support import SAMPLE
from test_batches import allocate, walk

from edge.cli import main as sklad_edge
from edge.domain import batch_commands as b
from edge.ledger.floor_status import floor_status
from edge.metrics import NodeMetrics


def test_status_and_metrics_show_waves_and_open_batches(cfg, ledger, capsys):
    for sid in ("S1", "S2", "S3"):
        allocate(ledger, sid, ("MUG", 1), pickup_point="PVZ-1")
    allocate(ledger, "S4", ("TEA", 1), pickup_point="PVZ-2")
    planned = ledger.ok(b.PlanWaves("plan-1", ("23:59:59",), "UTC"))
    first, _ = sorted(map(int, planned["planned"]))
    ledger.ok(b.ReleaseWave("release-1", first, operator="B9001"))
    ledger.ok(b.StartBatch("batch-1", "cluster", operator="B1001", totes=("T00011", "T00012")))
    task = walk(ledger)[0]
    ledger.ok(b.BatchPick("bp-1", task["id"], task["location"], task["sku"], task["tote"], 1, operator="B1001"))

    assert sklad_edge(["status", "--config", str(SAMPLE), "--ledger", str(cfg.ledger_path)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["waves"] == {"planned": 1, "released": 1, "done": 0, "open_by_route": 0,
                              "next_cutoff": shown["waves"]["next_cutoff"]}
    assert datetime.fromisoformat(shown["waves"]["next_cutoff"]).tzinfo == UTC
    assert shown["batches"] == [{"batch_id": 1, "mode": "cluster", "state": "picking", "picker": "B1001",
                                 "shipments": 2, "cancelled": 0, "units": 2, "picked": 1, "put": 0}]

    metrics = NodeMetrics()
    metrics.observe_floor(floor_status(cfg.ledger_path))
    sample = metrics.registry.get_sample_value
    assert (sample("sklad_waves", {"state": "planned"}), sample("sklad_waves", {"state": "released"})) == (1, 1)
    assert sample("sklad_batches_open", {"mode": "cluster"}) == 1
    assert sample("sklad_batches_open", {"mode": "put_wall"}) == 0
    assert sample("sklad_wave_next_cutoff_timestamp_seconds") == datetime.fromisoformat(
        shown["waves"]["next_cutoff"]).timestamp()
