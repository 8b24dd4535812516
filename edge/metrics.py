"""Prometheus metrics of the node, on their own registry so tests can run several nodes."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

SYNC_GAUGES = {
    "queued_movements": "Movements in the ledger central has not acknowledged yet",
    "last_ack": "Highest movement seq central has acknowledged",
    "feed_cursor": "Last feed entry from central applied to the ledger",
    "lag_s": "Age of the oldest movement central has not acknowledged (0 when caught up)",
    "feed_rejections": "Feed entries the floor could not apply (see sklad-edge status)",
    "online": "1 while the last exchange with central succeeded",
    "fenced": "1 when central refused this node's history (restored or cloned ledger)",
    "last_contact_timestamp": "Unix time of the last answer from central",
}


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
        self.device_errors = Counter("sklad_device_errors", "Errors a device has had (exported as _total)",
                                     ["device", "kind"], registry=r)

        self.sync = {name: Gauge(f"sklad_sync_{name}", text, registry=r) for name, text in SYNC_GAUGES.items()}

    def observe_sync(self, status: dict, online: bool, fenced: bool, last_contact: float | None) -> None:
        """`status` is edge.sync_bridge.sync_status(); the rest comes from the running agent."""
        for name in ("queued_movements", "last_ack", "feed_cursor", "lag_s", "feed_rejections"):
            self.sync[name].set(status[name])
        self.sync["online"].set(int(online))
        self.sync["fenced"].set(int(fenced))
        if last_contact is not None:
            self.sync["last_contact_timestamp"].set(last_contact)

    def observe_batch(self, size: int, seconds: float) -> None:
        self.batch_size.observe(size)
        self.batch_seconds.observe(seconds)

    def serve(self, port: int, addr: str = "127.0.0.1") -> None:
        start_http_server(port, addr=addr, registry=self.registry)
