"""Who is calling a sync endpoint: the edge node of the warehouse in the URL, by its token.

A token is looked up by its hash (tokens are long random strings, so the hash is as good as the
token for finding its warehouse). No or an unknown token: 401; the valid token of another
warehouse: 403, so one warehouse can neither read nor write another's data.
"""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request

from central.api.auth import Credentials
from central.api.schemas import IdPath
from central.bootstrap import Central
from central.db.tables import warehouses
from central.errors import Forbidden, Unauthorized
from central.tokens import hash_token


def warehouse_owners(central: Central, token: str) -> frozenset[str]:
    """The warehouses whose sync token this is (none: not a sync token)."""
    with central.db.read() as conn:
        return frozenset(conn.execute(sa.select(warehouses.c.warehouse_id)
                                      .where(warehouses.c.token_hash == hash_token(token))).scalars())


def require_owner(owners: frozenset[str], warehouse_id: str | None) -> None:
    """Unauthorized if the token is nobody's; Forbidden if it is another warehouse's."""
    if not owners:
        raise Unauthorized("the bearer token is not any warehouse's sync token; set one with "
                           "PUT /admin/warehouses/{id}/token")
    if warehouse_id is not None and warehouse_id not in owners:
        raise Forbidden(f"this token belongs to warehouse {min(owners)}, not {warehouse_id}",
                        warehouse_id=warehouse_id)


async def warehouse_caller(request: Request, warehouse_id: IdPath, creds: Credentials) -> str:
    """The warehouse id of the URL, whose own token central.api.access found before the request
    got here (`creds` is declared so that the OpenAPI document shows the bearer scheme)."""
    require_owner(getattr(request.state, "warehouse_owners", frozenset()), warehouse_id)
    return warehouse_id


WarehouseDep = Annotated[str, Depends(warehouse_caller)]
