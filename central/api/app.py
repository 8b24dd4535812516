"""The FastAPI application: `create_app(central)` for tests, `create_app_from_env()` for uvicorn."""

from __future__ import annotations

import asyncio
import gc
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from central.api import errors, metrics
from central.api.access import Access
from central.api.limits import BodyLimit
from central.api.routes import admin, catalog, courier, logistics, orders, payments, returns, sync, system
from central.bootstrap import Central, bootstrap
from central.catalog import service as catalog_service
from central.gateway import middleware as gateway
from central.services.sweep import sweep_once
from central.settings import LOG_FORMAT, Settings

log = logging.getLogger("central.sweeper")
catalog_log = logging.getLogger("central.catalog")

DESCRIPTION = """Catalog, checkout with a stock hold, payments and per-warehouse feeds.

**Auth** (`Authorization: Bearer <token>`), checked before the request body is read:
- the admin token (`SKLAD_CENTRAL_ADMIN_TOKEN`) for every `/admin` endpoint and `/metrics`;
- a customer token `c2.<customer_id>.<expires>.<hmac>` (expires: Unix seconds), signed with
  `SKLAD_CENTRAL_SECRET`, issued by `POST /admin/customers/{customer_id}/token` or
  `sklad-central customer-token ID`, accepted until it expires (30 days by default).
  Customers place orders, see or cancel only their own (another's order is a 404) and answer the
  sandbox's 3-D Secure page for their own payments only.
- a warehouse's sync token (set by `PUT /admin/warehouses/{id}/token`) for its own
  `/sync/v1/warehouses/{id}/...` endpoints only (another warehouse's: 403).
- the metrics token (`SKLAD_CENTRAL_METRICS_TOKEN`, optional) for `/metrics` only.
- acquirer callbacks carry `X-Acquirer-Signature`: hex HMAC-SHA256 of the raw body.

Missing, unknown or expired credentials: 401; valid credentials without the right: 403 — both
before the body is looked at. A body over the endpoint's limit (2 MiB; movement batches 4 MiB;
callbacks 16 KiB) is a 413 before it is parsed. A method the path does not serve is a 405 with
`Allow`. Every error is `{"error": {"code", "message", "details"}}`.
"""


def create_app(central: Central, sweep: bool = False) -> FastAPI:
    """The API over `central`; with sweep=True a background task expires unpaid holds,
    refunds payments of cancelled orders and voids orphan payment intents."""
    meter = metrics.Metrics()
    app = FastAPI(title="Sklad central", version="1", lifespan=_lifespan(central, meter, sweep),
                  description=DESCRIPTION)
    app.state.central = central
    errors.install(app)
    app.add_middleware(BodyLimit)  # innermost: after access, before any body is read
    app.add_middleware(Access, central=central)
    gateway.install(app, central)  # rate limits before the token is checked: guessing tokens costs budget
    metrics.install(app, meter)  # outermost: counts every answer, 401, 413 and 429 included
    app.include_router(orders.build(meter))  # first: routes match in order, checkout is hottest
    app.include_router(system.router)
    app.include_router(admin.router)
    app.include_router(returns.router)
    app.include_router(payments.build(meter))
    app.include_router(sync.router)
    app.include_router(logistics.router)
    app.include_router(courier.router)
    app.include_router(catalog.router)
    return app


def create_app_from_env() -> FastAPI:
    """uvicorn factory: every worker builds its own engine from the SKLAD_CENTRAL_* env."""
    # A worker is a new process (spawned by uvicorn): the command's logging set-up is not in it.
    logging.basicConfig(level=logging.INFO, format=LOG_FORMAT)
    app = create_app(bootstrap(Settings.from_env()), sweep=True)
    # What start-up built lives as long as the worker: frozen, full collections stop walking it
    # (~100k objects: two full collections per 6,000 orders took ~70 ms each, a stall every time).
    gc.collect()
    gc.freeze()
    return app


def _lifespan(central: Central, meter: metrics.Metrics, sweep: bool):  # type: ignore[no-untyped-def]
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        tasks = [asyncio.create_task(_sweep_forever(central, meter)),
                 asyncio.create_task(_read_catalog(central))] if sweep else []
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
            central.db.dispose()

    return lifespan


async def _read_catalog(central: Central) -> None:
    """The catalog's columns for search, read as the worker starts (seconds for a large
    catalog), not by the first customer's search."""
    started = time.monotonic()
    try:
        skus = await run_in_threadpool(catalog_service.read_catalog, central)
    except Exception:  # the first search reads them instead
        catalog_log.exception("reading the catalog for search failed; the first search will")
        return
    catalog_log.info("search: %d SKUs in memory in %.1f s", skus, time.monotonic() - started)


async def _sweep_forever(central: Central, meter: metrics.Metrics) -> None:
    while True:
        await asyncio.sleep(central.settings.sweep_seconds)
        try:
            done = await run_in_threadpool(sweep_once, central)
        except Exception:
            log.exception("sweep failed; will retry")
            continue
        if done.expired:
            meter.expired.inc(done.expired)
            log.info("expired %d unpaid orders", done.expired)
        if done.refunded:
            meter.refunded.inc(done.refunded)
            log.info("refunded %d payments", done.refunded)
        if done.voided:
            meter.voided.inc(done.voided)
            log.info("voided %d orphan payment intents", done.voided)
