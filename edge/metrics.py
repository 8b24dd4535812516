"""Prometheus metrics of the node, on their own registry so tests can run several nodes.

Names follow Prometheus conventions: base units in the name (`_seconds`, `_timestamp_seconds`),
counters exposed with `_total` (prometheus_client adds it), gauges never ending in `_total`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from edge.domain.batches import MODES
from edge.ledger.floor_status import WAVE_STATES
from sync.agent import SyncStatus

SYNC_GAUGES = {
    "queued_movements": "Movements in the ledger central has not acknowledged yet",
    "last_ack": "Highest movement seq central has acknowledged",
    "feed_cursor": "Last feed entry from central applied to the ledger",
    "lag_seconds": "Age of the oldest movement central has not acknowledged (0 when caught up)",
    "feed_rejections": "Feed entries the floor could not apply (see sklad-edge status)",
    "feed_outcomes_unreported": "Feed outcomes (rejections, applied cancels) central has not acknowledged yet",
    "online": "1 while the last exchange with central succeeded",
    "blocked": "1 when central refused a batch as malformed: uploads are stopped until the node is fixed",
    "fenced": "1 when central refused this node's history (restored or cloned ledger): see sklad-edge rejoin",
    "feed_behind_cursor": "1 while central's feed ends below the entries this node applied (central restored)",
    "last_contact_timestamp_seconds": "Unix time of the last answer from central (upload or feed poll)",
}
FROM_LEDGER = {"queued_movements": "queued_movements", "last_ack": "last_ack", "feed_cursor": "feed_cursor",
               "lag_seconds": "lag_s", "feed_rejections": "feed_rejections",
               "feed_outcomes_unreported": "feed_outcomes_unreported"}


@dataclass
class NodeMetrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter("sklad_terminal_requests", "Terminal requests", ["op", "outcome"], registry=r)
        self.batch_size = Histogram("sklad_ledger_batch_commands", "Commands per group commit",
                                    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024), registry=r)
        self.batch_seconds = Histogram("sklad_ledger_batch_seconds", "Time to apply and commit a batch",
                                       buckets=(.0005, .001, .002, .005, .01, .02, .05, .1, .5), registry=r)
        self.last_seq = Gauge("sklad_ledger_last_seq", "Sequence number of the newest movement", registry=r)
        self.writer_restarts = Counter("sklad_ledger_writer_restarts", "Times the ledger writer process died "
                                       "and a new one took over (its commands were answered with an error)",
                                       registry=r)
        self.sessions = Gauge("sklad_terminal_sessions", "Logged-in terminal sessions", registry=r)
        self.events = Counter("sklad_events_published", "Events published on the PUB socket", ["topic"],
                              registry=r)
        self.device_up = Gauge("sklad_device_up", "1 while a device answers (UP or DEGRADED), 0 when DOWN",
                               ["device", "kind"], registry=r)
        self.device_errors = Counter("sklad_device_errors", "Errors devices have had since the node started",
                                     ["device", "kind"], registry=r)
        self._device_errors_seen: dict[tuple[str, str], int] = {}

        self.sync = {name: Gauge(f"sklad_sync_{name}", text, registry=r) for name, text in SYNC_GAUGES.items()}
        self.waves = Gauge("sklad_waves", "Waves by state (done: all of the ledger's history)", ["state"], registry=r)
        self.next_cutoff = Gauge("sklad_wave_next_cutoff_timestamp_seconds",
                                 "Unix time of the earliest cut-off of a wave not done (0 when none)", registry=r)
        self.open_batches = Gauge("sklad_batches_open", "Batches being picked or put, by mode", ["mode"], registry=r)

    def observe_sync(self, status: dict, agent: SyncStatus) -> None:
        """`status` is edge.sync_bridge.sync_status(); `agent` the running agent's own status."""
        for name, key in FROM_LEDGER.items():
            if status[key] is not None:
                self.sync[name].set(status[key])
        for state in ("online", "blocked", "fenced"):
            self.sync[state].set(int(agent.state == state))
        self.sync["feed_behind_cursor"].set(int(agent.feed_problem is not None))
        if agent.last_contact is not None:
            self.sync["last_contact_timestamp_seconds"].set(agent.last_contact)

    def observe_floor(self, floor: dict) -> None:
        """`floor` is edge.ledger.floor_status.read_floor()."""
        waves = floor["waves"]
        for state in WAVE_STATES:
            self.waves.labels(state).set(waves[state])
        cutoff = waves["next_cutoff"]
        self.next_cutoff.set(datetime.fromisoformat(cutoff).timestamp() if cutoff else 0)
        for mode in MODES:
            self.open_batches.labels(mode).set(sum(1 for b in floor["batches"] if b["mode"] == mode))

    def observe_device_errors(self, device: str, kind: str, errors: int) -> None:
        """Devices report their running error count; the counter takes what is new since last time."""
        seen = self._device_errors_seen.get((device, kind), 0)
        if errors > seen:
            self.device_errors.labels(device, kind).inc(errors - seen)
        self._device_errors_seen[(device, kind)] = errors

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)

    def serve(self, port: int, addr: str = "127.0.0.1") -> None:
        start_http_server(port, addr=addr, registry=self.registry)
