"""Who is calling a courier or pickup-point endpoint: a van's or a pickup point's own token."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends

from central.api.auth import CentralDep, Credentials
from central.db.tables import pickup_point_tokens, vehicle_tokens
from central.errors import Unauthorized
from central.logistics.tracking import Vehicle
from central.tokens import hash_token


def courier(central: CentralDep, creds: Credentials) -> Vehicle:
    if creds is None:
        raise Unauthorized("send 'Authorization: Bearer <courier token>'")
    with central.db.read() as conn:
        row = conn.execute(sa.select(vehicle_tokens.c.warehouse_id, vehicle_tokens.c.vehicle_id)
                           .where(vehicle_tokens.c.token_hash == hash_token(creds.credentials))).first()
    if row is None:
        raise Unauthorized("the bearer token is not any van's courier token; set one with "
                           "PUT /admin/warehouses/{id}/vehicles/{vehicle_id}/token")
    return Vehicle(row.warehouse_id, row.vehicle_id)


def pickup_point(central: CentralDep, creds: Credentials) -> str:
    if creds is None:
        raise Unauthorized("send 'Authorization: Bearer <pickup point token>'")
    with central.db.read() as conn:
        pp = conn.execute(sa.select(pickup_point_tokens.c.pickup_point_id)
                          .where(pickup_point_tokens.c.token_hash == hash_token(creds.credentials))).scalar()
    if pp is None:
        raise Unauthorized("the bearer token is not any pickup point's token; set one with "
                           "PUT /admin/pickup-points/{id}/token")
    return pp


CourierDep = Annotated[Vehicle, Depends(courier)]
PickupPointDep = Annotated[str, Depends(pickup_point)]
