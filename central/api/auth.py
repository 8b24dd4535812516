"""Who is calling: the admin token, or a customer's signed token (both as Bearer tokens).

The dependencies are `async def` although they do no I/O: FastAPI runs a plain `def`
dependency in the thread pool, one thread hop each, on every request."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central.bootstrap import Central
from central.errors import Forbidden, Unauthorized
from central.tokens import customer_from_token

bearer = HTTPBearer(auto_error=False, description="admin token or a customer token (c1....)")
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]


@dataclass(frozen=True)
class Caller:
    customer_id: str | None  # None for the admin

    @property
    def is_admin(self) -> bool:
        return self.customer_id is None


async def get_central(request: Request) -> Central:
    return request.app.state.central


CentralDep = Annotated[Central, Depends(get_central)]


def identify(central: Central, token: str) -> Caller | None:
    """Whose bearer token this is: the admin's, a customer's, or nobody's (None)."""
    if hmac.compare_digest(token.encode(), central.settings.admin_token.encode()):
        return Caller(customer_id=None)
    customer_id = customer_from_token(central.settings.secret, token)
    return None if customer_id is None else Caller(customer_id=customer_id)


async def caller(central: CentralDep, creds: Credentials) -> Caller:
    if creds is None:
        raise Unauthorized("send 'Authorization: Bearer <token>' (admin or customer token)")
    who = identify(central, creds.credentials)
    if who is None:
        raise Unauthorized("the bearer token is not valid; ask for a new customer token")
    return who


CallerDep = Annotated[Caller, Depends(caller)]


async def admin(who: CallerDep) -> Caller:
    if not who.is_admin:
        raise Forbidden("this endpoint needs the admin token")
    return who


async def customer(who: CallerDep) -> Caller:
    if who.is_admin:
        raise Forbidden("orders are placed with a customer token; issue one via "
                        "POST /admin/customers/{customer_id}/token")
    return who


AdminDep = Annotated[Caller, Depends(admin)]
CustomerDep = Annotated[Caller, Depends(customer)]
