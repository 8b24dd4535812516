"""Prometheus metrics. With several uvicorn workers, PROMETHEUS_MULTIPROC_DIR is set by
`sklad-central serve` and /metrics aggregates every worker's numbers."""

from __future__ import annotations

import os
import time

from fastapi import FastAPI, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("central_http_requests_total", "HTTP requests",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("central_http_request_duration_seconds", "HTTP request latency",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5))
        self.orders = Counter("central_orders_total", "Checkout attempts by outcome",
                              ["outcome"], registry=self.registry)
        self.callbacks = Counter("central_payment_callbacks_total",
                                 "Acquirer callbacks by result", ["result"],
                                 registry=self.registry)
        self.expired = Counter("central_orders_expired_total",
                               "Unpaid orders expired by the sweeper", registry=self.registry)
        self.refunded = Counter("central_payments_refunded_total",
                                "Payments refunded by the sweeper", registry=self.registry)
        self.voided = Counter("central_payment_intents_voided_total",
                              "Orphan payment intents voided by the sweeper", registry=self.registry)

    def exposition(self) -> bytes:
        if os.environ.get(MULTIPROC_ENV):
            registry = CollectorRegistry()
            multiprocess.MultiProcessCollector(registry)
            return generate_latest(registry)
        return generate_latest(self.registry)


class MeasureRequests:
    """Pure ASGI middleware: counts and times requests by route template and status."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            path = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"]
            self.metrics.requests.labels(method, path, str(status)).inc()
            self.metrics.latency.labels(method, path).observe(time.perf_counter() - started)


def install(app: FastAPI, metrics: Metrics) -> None:
    app.add_middleware(MeasureRequests, metrics=metrics)

    @app.get("/metrics", include_in_schema=False)
    def expose() -> Response:
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
