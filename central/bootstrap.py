"""Wiring: build central's dependencies once, from settings, and pass them to handlers."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from central.catalog.memory import CatalogMemory
from central.db.engine import Database
from central.payments.books import DatabaseBooks
from central.payments.port import Acquirer
from central.payments.sandbox import SandboxAcquirer
from central.services.network import NetworkCache
from central.settings import Settings


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


@dataclass
class Central:
    """Everything a handler needs: storage, the acquirer, settings, a clock and ids."""

    db: Database
    acquirer: Acquirer
    settings: Settings
    clock: Callable[[], datetime] = utc_now
    ids: Callable[[str], str] = field(default=new_id)
    network: NetworkCache = field(default_factory=NetworkCache)
    catalog_memory: CatalogMemory = field(default_factory=CatalogMemory)  # what search keeps of the catalog


def bootstrap(settings: Settings, acquirer: Acquirer | None = None) -> Central:
    db = Database.from_url(settings.db_url, settings.pool_size)
    if acquirer is None:
        acquirer = SandboxAcquirer(settings.acquirer_secret, settings.public_url, DatabaseBooks(db, utc_now))
    return Central(db=db, acquirer=acquirer, settings=settings)
