"""Issue 14 item 14: the node's metric names follow Prometheus conventions."""

from __future__ import annotations

import re

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from edge.metrics import NodeMetrics
from sync.agent import SyncStatus

LEDGER_STATUS = {"queued_movements": 3, "last_ack": 7, "feed_cursor": 2, "lag_s": 1.5, "feed_rejections": 1,
                 "feed_outcomes_unreported": 0}


def exposed() -> tuple[NodeMetrics, dict]:
    m = NodeMetrics()
    m.requests.labels("pick", "ok").inc()
    m.events.labels("PickConfirmed").inc()
    m.device_up.labels("scale-1", "scale").set(1)
    m.observe_device_errors("scale-1", "scale", 4)
    m.observe_device_errors("scale-1", "scale", 6)
    m.writer_restarts.inc()
    m.observe_batch(8, 0.002)
    m.observe_sync(LEDGER_STATUS, SyncStatus(state="blocked", problem="x", last_contact=1_790_000_000.0))
    return m, {f.name: f for f in text_string_to_metric_families(generate_latest(m.registry).decode())}


def test_names_carry_base_units_and_counters_end_in_total():
    _, families = exposed()
    for name, family in families.items():
        assert name.startswith("sklad_") and re.fullmatch(r"[a-z_]+", name), name
        assert not re.search(r"_(s|ms|secs|timestamp)$", name), f"{name}: say the unit, in base units (_seconds)"
        samples = {s.name for s in family.samples}
        if family.type == "counter":
            assert {n for n in samples if not n.endswith("_created")} == {f"{name}_total"}, name
        else:
            assert not any(n.endswith("_total") for n in samples), f"{name} is a {family.type}, not a counter"
    assert {"sklad_sync_lag_seconds", "sklad_sync_last_contact_timestamp_seconds", "sklad_sync_blocked",
            "sklad_device_errors", "sklad_ledger_batch_seconds"} <= set(families)


def test_values_follow_what_they_measure():
    m, _ = exposed()
    value = m.registry.get_sample_value
    assert value("sklad_device_errors_total", {"device": "scale-1", "kind": "scale"}) == 6  # a running count
    assert value("sklad_sync_lag_seconds") == 1.5 and value("sklad_sync_blocked") == 1
    assert value("sklad_sync_online") == 0 and value("sklad_sync_last_contact_timestamp_seconds") == 1_790_000_000
