"""Liveness and readiness."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter

from central.api.auth import CentralDep
from central.api.schemas import Health

router = APIRouter(tags=["system"])


@router.get("/healthz", response_model=Health)
def healthz(central: CentralDep) -> Health:
    """Answers once the database answers."""
    with central.db.read() as conn:
        conn.execute(sa.select(1))
    return Health(status="ok", database=central.db.engine.dialect.name)
