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
from central.tokens import read_customer_token

bearer = HTTPBearer(auto_error=False, description="admin token or a customer token (c2....)")
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


def identify(central: Central, token: str) -> Caller:
    """Whose bearer token this is, the admin's or a customer's; Unauthorized if nobody's or expired."""
    if hmac.compare_digest(token.encode(), central.settings.admin_token.encode()):
        return Caller(customer_id=None)
    read = read_customer_token(central.settings.secret, token)
    if read is None:
        raise Unauthorized("the bearer token is not valid; ask for a new customer token")
    if read.expired(central.clock()):
        raise Unauthorized(f"the customer token expired at {read.expires_at.isoformat()}; "
                           "ask for a new customer token")
    return Caller(customer_id=read.customer_id)


async def caller(request: Request, central: CentralDep, creds: Credentials) -> Caller:
    """The caller central.api.access recognised already, else recognised here."""
    known = getattr(request.state, "caller", None)
    if known is not None:
        return known
    if creds is None:
        raise Unauthorized("send 'Authorization: Bearer <token>' (admin or customer token)")
    return identify(central, creds.credentials)


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
